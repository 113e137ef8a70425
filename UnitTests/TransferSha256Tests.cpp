// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Transfer/Sha256.h"

#include <gtest/gtest.h>

using namespace DicomMail;

// FIPS 180-2, appendix B.
TEST(TransferSha256, Fips180Vectors)
{
  EXPECT_EQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            Sha256::OfString("abc"));
  EXPECT_EQ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            Sha256::OfString(""));
  EXPECT_EQ("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            Sha256::OfString("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
}

TEST(TransferSha256, MillionAsStreamedInUnevenPieces)
{
  const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

  Sha256 hasher;
  const std::string chunk(997, 'a');   // a prime, so pieces straddle block boundaries
  size_t written = 0;
  while (written + chunk.size() <= 1000000)
  {
    hasher.Write(chunk);
    written += chunk.size();
  }
  hasher.Write(std::string(1000000 - written, 'a'));
  EXPECT_EQ(expected, hasher.FinishHex());

  StringSource source(std::string(1000000, 'a'));
  EXPECT_EQ(expected, Sha256::OfSource(source));
}

TEST(TransferSha256, UsableAsSinkAndOnlyOnce)
{
  Sha256 hasher;
  StringSource source("abc");
  CopyStream(source, hasher);
  EXPECT_EQ(Sha256::OfString("abc"), hasher.FinishHex());
  EXPECT_THROW(hasher.FinishHex(), Error);
  EXPECT_THROW(hasher.Write("x"), Error);

  // Independent hashers do not share state.
  Sha256 a;
  Sha256 b;
  a.Write("ab");
  b.Write("xyz");
  a.Write("c");
  EXPECT_EQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", a.FinishHex());
  EXPECT_EQ(Sha256::OfString("xyz"), b.FinishHex());
}
