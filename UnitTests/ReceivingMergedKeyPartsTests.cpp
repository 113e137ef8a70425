// SPDX-License-Identifier: GPL-3.0-or-later
// MergedKeyParts (#15): the same key part for the same signer and home is
// merged once; anything else differing merges again.
#include "Core/Receiving/MergedKeyParts.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(ReceivingMergedKeyParts, TheSameBytesForTheSameSignerAndHomeAreMergedOnce)
{
  MergedKeyParts memo;
  const std::string key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\r\nmDMEZ...\r\n";
  EXPECT_FALSE(memo.WasMerged("/h1", "AAAA", key));
  memo.Remember("/h1", "AAAA", key);
  EXPECT_TRUE(memo.WasMerged("/h1", "AAAA", key));
  EXPECT_FALSE(memo.WasMerged("/h2", "AAAA", key)) << "another keyring";
  EXPECT_FALSE(memo.WasMerged("/h1", "BBBB", key)) << "another signer";
  EXPECT_FALSE(memo.WasMerged("/h1", "AAAA", key + "renewed")) << "a changed key (new expiry, revocation)";
  memo.Remember("/h1", "AAAA", key + "renewed");
  EXPECT_FALSE(memo.WasMerged("/h1", "AAAA", key)) << "only the latest part of a signer counts";
}
