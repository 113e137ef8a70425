// SPDX-License-Identifier: GPL-3.0-or-later
// SignatureStatusCollector on status lines as gpg 2.2 writes them: the
// verdicts must match what GPGME made of the same lines (GPGME_SIGSUM_*).
#include "Core/Crypto/SignatureStatusCollector.h"

#include <gpgme.h>
#include <gtest/gtest.h>
#include <utility>
#include <vector>

using namespace DicomMail;

namespace
{
  const std::string kFpr = "3D02C679F082FDC32E6EB597F55DCA80B73A645C";
  const std::string kSubFpr = "E2AC51B4A62C1AB7281E858BE354EF61A2B2B02B";
  const std::string kValidSig = kFpr + " 2026-11-28 1795862326 0 4 0 22 10 00 " + kFpr;

  std::vector<SignatureCheck> Collect(const std::vector<std::pair<std::string, std::string> >& lines)
  {
    SignatureStatusCollector collector;
    for (const auto& line : lines)
    {
      collector.Handle(line.first, line.second);
    }
    return collector.GetSignatures();
  }
}

TEST(CryptoSignatureStatus, GoodSignatureOfACertifiedKeyIsValid)
{
  const auto s = Collect({ { "NEWSIG", "" }, { "GOODSIG", "F55DCA80B73A645C Sender <s@x>" },
                           { "VALIDSIG", kValidSig }, { "TRUST_FULLY", "0 pgp" } });
  ASSERT_EQ(1u, s.size());
  EXPECT_TRUE(s[0].good);
  EXPECT_TRUE(s[0].valid);
  EXPECT_EQ(static_cast<unsigned int>(GPGME_SIGSUM_VALID | GPGME_SIGSUM_GREEN), s[0].summary);
  EXPECT_EQ(kFpr, s[0].fingerprint);
  EXPECT_EQ(kFpr, s[0].keyFingerprint);
  EXPECT_EQ("SHA512", s[0].hashAlgorithm);
  EXPECT_EQ(1795862326, s[0].created);
  EXPECT_EQ("Success", s[0].statusText);
  EXPECT_FALSE(s[0].keyMissing);
}

TEST(CryptoSignatureStatus, UncertifiedKeyIsGoodButNotValid)
{
  const auto s = Collect({ { "NEWSIG", "" }, { "GOODSIG", "F55DCA80B73A645C Sender <s@x>" },
                           { "VALIDSIG", kValidSig }, { "TRUST_UNDEFINED", "0 pgp" } });
  ASSERT_EQ(1u, s.size());
  EXPECT_TRUE(s[0].good);
  EXPECT_FALSE(s[0].valid);
  EXPECT_EQ(0u, s[0].summary);
}

TEST(CryptoSignatureStatus, UnknownKeyIsMissing)
{
  const auto s = Collect({ { "NEWSIG", "" }, { "ERRSIG", "F55DCA80B73A645C 22 10 00 1795862326 9 " + kFpr },
                           { "NO_PUBKEY", "F55DCA80B73A645C" } });
  ASSERT_EQ(1u, s.size());
  EXPECT_FALSE(s[0].good);
  EXPECT_FALSE(s[0].valid);
  EXPECT_TRUE(s[0].keyMissing);
  EXPECT_EQ(static_cast<unsigned int>(GPGME_SIGSUM_KEY_MISSING), s[0].summary);
  EXPECT_EQ(kFpr, s[0].fingerprint);
  EXPECT_EQ("", s[0].keyFingerprint);
}

TEST(CryptoSignatureStatus, RevokedExpiredBadAndDistrustedKeysAreNeverValid)
{
  // Even when the site certified the key (TRUST_FULLY).
  const auto revoked = Collect({ { "NEWSIG", "" }, { "REVKEYSIG", "F55DCA80B73A645C Sender <s@x>" },
                                 { "VALIDSIG", kValidSig }, { "TRUST_FULLY", "0 pgp" } });
  ASSERT_EQ(1u, revoked.size());
  EXPECT_FALSE(revoked[0].valid);
  EXPECT_TRUE(revoked[0].good);   // it matches the data; the key's lifetime is over
  EXPECT_TRUE(revoked[0].keyRevoked);
  EXPECT_NE(0u, revoked[0].summary & GPGME_SIGSUM_KEY_REVOKED);

  const auto expiredKey = Collect({ { "NEWSIG", "" }, { "EXPKEYSIG", "F55DCA80B73A645C Sender <s@x>" },
                                    { "VALIDSIG", kValidSig }, { "TRUST_FULLY", "0 pgp" } });
  ASSERT_EQ(1u, expiredKey.size());
  EXPECT_FALSE(expiredKey[0].valid);
  EXPECT_TRUE(expiredKey[0].keyExpired);
  EXPECT_EQ(static_cast<unsigned int>(GPGME_SIGSUM_GREEN | GPGME_SIGSUM_KEY_EXPIRED), expiredKey[0].summary);

  const auto expiredSignature = Collect({ { "NEWSIG", "" }, { "EXPSIG", "F55DCA80B73A645C Sender <s@x>" },
                                          { "VALIDSIG", kValidSig }, { "TRUST_FULLY", "0 pgp" } });
  EXPECT_FALSE(expiredSignature[0].valid);
  EXPECT_NE(0u, expiredSignature[0].summary & GPGME_SIGSUM_SIG_EXPIRED);

  const auto bad = Collect({ { "NEWSIG", "" }, { "BADSIG", "F55DCA80B73A645C Sender <s@x>" } });
  ASSERT_EQ(1u, bad.size());
  EXPECT_FALSE(bad[0].good);
  EXPECT_FALSE(bad[0].valid);
  EXPECT_EQ(static_cast<unsigned int>(GPGME_SIGSUM_RED), bad[0].summary);
  EXPECT_EQ("F55DCA80B73A645C", bad[0].fingerprint);

  const auto distrusted = Collect({ { "NEWSIG", "" }, { "GOODSIG", "F55DCA80B73A645C Sender <s@x>" },
                                    { "VALIDSIG", kValidSig }, { "TRUST_NEVER", "0 pgp" } });
  EXPECT_TRUE(distrusted[0].good);
  EXPECT_FALSE(distrusted[0].valid);
  EXPECT_EQ(static_cast<unsigned int>(GPGME_SIGSUM_RED), distrusted[0].summary);
}

TEST(CryptoSignatureStatus, SeveralSignaturesAndSubkeys)
{
  // A signing subkey: VALIDSIG names it first and the primary key last.
  const std::string subkeySig = kSubFpr + " 2026-11-28 1795862326 0 4 0 22 8 00 " + kFpr;
  const auto s = Collect({ { "NEWSIG", "" }, { "GOODSIG", "E354EF61A2B2B02B One <1@x>" },
                           { "VALIDSIG", subkeySig }, { "TRUST_ULTIMATE", "0 pgp" },
                           { "NEWSIG", "" }, { "BADSIG", "F55DCA80B73A645C Two <2@x>" },
                           // Without NEWSIG (older gpg), a verdict starts a new signature.
                           { "GOODSIG", "F55DCA80B73A645C Three <3@x>" }, { "VALIDSIG", kValidSig },
                           { "TRUST_MARGINAL", "0 pgp" } });
  ASSERT_EQ(3u, s.size());
  EXPECT_TRUE(s[0].valid);
  EXPECT_EQ(kSubFpr, s[0].fingerprint);
  EXPECT_EQ(kFpr, s[0].keyFingerprint);
  EXPECT_EQ("SHA256", s[0].hashAlgorithm);
  EXPECT_FALSE(s[1].good);
  EXPECT_TRUE(s[2].good);
  EXPECT_FALSE(s[2].valid);
}

TEST(CryptoSignatureStatus, OtherLinesAreLeftAlone)
{
  SignatureStatusCollector collector;
  EXPECT_FALSE(collector.Handle("TRUST_FULLY", "0 pgp"));   // no signature yet
  EXPECT_FALSE(collector.Handle("DECRYPTION_OKAY", ""));
  EXPECT_TRUE(collector.Handle("NEWSIG", ""));
  EXPECT_FALSE(collector.Handle("KEY_CONSIDERED", kFpr + " 0"));
  // A NEWSIG without any verdict is no signature.
  EXPECT_TRUE(collector.GetSignatures().empty());
}
