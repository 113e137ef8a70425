// SPDX-License-Identifier: GPL-3.0-or-later
// Many keys in one import (#25): each key's outcome, secret keys kept away from gpg.
#include "Core/Common/Error.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/OpenPgpPackets.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(CryptoKeyBundle, EachKeyOfABundleGetsItsOutcome)
{
  TemporaryGnupgHome network;
  OpenPgpContext maker(network.GetHome());
  const std::string a = maker.GenerateSiteKey("Praxis A <a@network.example>", "ed25519");
  const std::string b = maker.GenerateSiteKey("Praxis B <b@network.example>", "ed25519");
  const std::string c = maker.GenerateSiteKey("Praxis C <c@network.example>", "ed25519", "Pass-phrase-1");

  const std::string bundle = maker.ExportPublicKey(a) + maker.ExportPublicKey(b) +
    maker.ExportSecretKey(c, "Pass-phrase-1") + maker.ExportPublicKey(a);

  const std::vector<OpenPgpPackets::KeyBlock> blocks = OpenPgpPackets::SplitKeyBlocks(bundle);
  ASSERT_EQ(4u, blocks.size());
  EXPECT_EQ(a, blocks[0].fingerprint);   // computed by our reader, as gpg does
  EXPECT_EQ(b, blocks[1].fingerprint);
  EXPECT_EQ(c, blocks[2].fingerprint);
  EXPECT_EQ(a, blocks[3].fingerprint);
  EXPECT_EQ("Praxis B <b@network.example>", blocks[1].firstUserId);
  EXPECT_FALSE(blocks[0].secret);
  EXPECT_TRUE(blocks[2].secret);
  const std::vector<OpenPgpPackets::KeyBlock> binary =
    OpenPgpPackets::SplitKeyBlocks(maker.ExportPublicKey(a, false) + maker.ExportPublicKey(b, false));
  ASSERT_EQ(2u, binary.size());
  EXPECT_EQ(b, binary[1].fingerprint);

  TemporaryGnupgHome hub;
  OpenPgpContext crypto(hub.GetHome());
  crypto.ImportKeys(maker.ExportPublicKey(b));
  const BundleImportResult result = crypto.ImportKeyBundle(bundle, "the bundle");
  ASSERT_EQ(4u, result.keys.size());
  EXPECT_EQ(BundleKeyOutcome::Status::New, result.keys[0].status);
  EXPECT_EQ(BundleKeyOutcome::Status::Unchanged, result.keys[1].status);
  EXPECT_EQ(BundleKeyOutcome::Status::Refused, result.keys[2].status);
  EXPECT_NE(std::string::npos, result.keys[2].reason.find("secret key"));
  EXPECT_EQ(BundleKeyOutcome::Status::Duplicate, result.keys[3].status);
  EXPECT_TRUE(crypto.HasKey(a));
  EXPECT_FALSE(crypto.HasKey(c));
  EXPECT_TRUE(crypto.ListKeys(true).empty());

  EXPECT_THROW(crypto.ImportKeyBundle("no keys here", "the bundle"), Error);
}
