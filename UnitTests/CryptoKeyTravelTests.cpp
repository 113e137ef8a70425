// SPDX-License-Identifier: GPL-3.0-or-later
// Keys that travel inside verified mail (#22): only the signer's own
// primary key is merged from a key part; any other is refused.
#include "Core/Acknowledgement/AcknowledgementBuilder.h"
#include "Core/Acknowledgement/AcknowledgementParser.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/KeyPartRule.h"
#include "Core/Crypto/KeyTravel.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/SiteKeyRenewal.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

#include <ctime>
#include <gtest/gtest.h>
#include <memory>

using namespace DicomMail;

namespace
{
  const int64_t kDay = 86400;

  class CryptoKeyTravel : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      site_.reset(new TemporaryGnupgHome);
      partner_.reset(new TemporaryGnupgHome);
      stranger_.reset(new TemporaryGnupgHome);
      siteGpg_.reset(new OpenPgpContext(site_->GetHome()));
      partnerGpg_.reset(new OpenPgpContext(partner_->GetHome()));
      strangerGpg_.reset(new OpenPgpContext(stranger_->GetHome()));

      siteKey_ = siteGpg_->GenerateSiteKey("Site <site@example.test>", "ed25519");
      partnerKey_ = partnerGpg_->GenerateSiteKey("Partner <partner@example.test>", "ed25519");
      strangerKey_ = strangerGpg_->GenerateSiteKey("Stranger <stranger@example.test>", "ed25519");
      siteGpg_->ImportKeys(partnerGpg_->ExportPublicKey(partnerKey_));
      siteGpg_->CertifyKey(partnerKey_, siteKey_);
    }

    void TearDown() override
    {
      siteGpg_.reset();
      partnerGpg_.reset();
      strangerGpg_.reset();
    }

    std::unique_ptr<TemporaryGnupgHome> site_, partner_, stranger_;
    std::unique_ptr<OpenPgpContext> siteGpg_, partnerGpg_, strangerGpg_;
    std::string siteKey_, partnerKey_, strangerKey_;
  };
}

TEST_F(CryptoKeyTravel, OnlyTheSignersPrimaryKeyIsSelected)
{
  const std::string both = KeyTravel::ExportOwnKey(*partnerGpg_, partnerKey_) +
    KeyTravel::ExportOwnKey(*strangerGpg_, strangerKey_);
  const KeyPartSelection selection = KeyPartRule::Select(both, Fingerprint::GroupInFours(partnerKey_));
  EXPECT_EQ("", selection.problem);
  EXPECT_FALSE(selection.signerKey.empty());
  ASSERT_EQ(1u, selection.refusedFingerprints.size());
  EXPECT_EQ(strangerKey_, selection.refusedFingerprints[0]);

  const KeyPartSelection foreign = KeyPartRule::Select(strangerGpg_->ExportPublicKey(strangerKey_), partnerKey_);
  EXPECT_TRUE(foreign.signerKey.empty());
  ASSERT_EQ(1u, foreign.refusedFingerprints.size());
  EXPECT_EQ(strangerKey_, foreign.refusedFingerprints[0]);
}

TEST_F(CryptoKeyTravel, SecretOversizeAndEmptyPartsAreRefusedWhole)
{
  const IssuedKeyPair pair = siteGpg_->IssueKeyPair("Issued", "issued@example.test", "a passphrase", "ed25519",
                                                    siteKey_);
  const KeyPartSelection secret = KeyPartRule::Select(pair.secretKeyArmored, pair.fingerprint);
  EXPECT_TRUE(secret.signerKey.empty());
  EXPECT_NE(std::string::npos, secret.problem.find("secret"));

  const KeyPartSelection large = KeyPartRule::Select(std::string(KeyPartRule::kMaxBytes + 1, 'A'), partnerKey_);
  EXPECT_TRUE(large.signerKey.empty());
  EXPECT_NE(std::string::npos, large.problem.find("more than"));

  const KeyPartSelection none = KeyPartRule::Select("not a key", partnerKey_);
  EXPECT_TRUE(none.signerKey.empty());
  EXPECT_NE(std::string::npos, none.problem.find("no OpenPGP key"));

  const KeyPartSelection noSigner = KeyPartRule::Select(partnerGpg_->ExportPublicKey(partnerKey_), "1234ABCD");
  EXPECT_TRUE(noSigner.signerKey.empty());
  EXPECT_FALSE(noSigner.problem.empty());
}

TEST_F(CryptoKeyTravel, ARenewedKeyIsMergedAndKeepsItsCertification)
{
  EXPECT_EQ(0, siteGpg_->GetKey(partnerKey_).expires);
  partnerGpg_->SetExpiry(partnerKey_, 100 * kDay);
  const KeyInfo renewed = partnerGpg_->GetKey(partnerKey_);
  EXPECT_NEAR(static_cast<double>(time(nullptr) + 100 * kDay), static_cast<double>(renewed.expires), 60.0);
  EXPECT_NE(0, renewed.encryptionExpires);

  const KeyTravel::MergeOutcome outcome =
    KeyTravel::Merge(*siteGpg_, KeyTravel::ExportOwnKey(*partnerGpg_, partnerKey_), partnerKey_);
  EXPECT_TRUE(outcome.merged);
  EXPECT_TRUE(outcome.changed);
  EXPECT_EQ("", outcome.problem);
  EXPECT_EQ("the sender's key was updated from the mail", outcome.Describe());
  const KeyInfo merged = siteGpg_->GetKey(partnerKey_);
  EXPECT_EQ(renewed.expires, merged.expires);
  EXPECT_TRUE(merged.CertifiedBy(siteKey_));
  EXPECT_TRUE(merged.IsUsable());

  const KeyTravel::MergeOutcome again =
    KeyTravel::Merge(*siteGpg_, KeyTravel::ExportOwnKey(*partnerGpg_, partnerKey_), partnerKey_);
  EXPECT_TRUE(again.merged);
  EXPECT_FALSE(again.changed);
  EXPECT_EQ("", again.Describe());   // every mail of a transfer brings it: no log line per mail
}

TEST_F(CryptoKeyTravel, AForeignPrimaryKeyIsNeverImported)
{
  const std::string part = KeyTravel::ExportOwnKey(*strangerGpg_, strangerKey_);
  const KeyTravel::MergeOutcome outcome = KeyTravel::Merge(*siteGpg_, part, partnerKey_);
  EXPECT_FALSE(outcome.merged);
  ASSERT_EQ(1u, outcome.refusedFingerprints.size());
  EXPECT_EQ(strangerKey_, outcome.refusedFingerprints[0]);
  EXPECT_FALSE(siteGpg_->HasKey(strangerKey_));
  EXPECT_NE(std::string::npos, outcome.Describe().find("refused the key " + strangerKey_));
}

TEST_F(CryptoKeyTravel, AcknowledgementCarriesTheKeyInsideItsReport)
{
  AcknowledgementContent content;
  content.reportingUa = "site.example.test; Orthanc DICOM-Mail";
  content.finalRecipient = "site@example.test";
  content.originalMessageId = "<1@example.test>";
  content.publicKey = KeyTravel::ExportOwnKey(*partnerGpg_, partnerKey_);
  ASSERT_FALSE(content.publicKey.empty());
  for (size_t i = 0; i < content.publicKey.size(); i++)
  {
    if (content.publicKey[i] == '\n')
    {
      ASSERT_TRUE(i > 0 && content.publicKey[i - 1] == '\r') << "a bare LF at " << i;
    }
  }
  const AcknowledgementReport report = AcknowledgementParser::Parse(AcknowledgementBuilder::Build(content));
  EXPECT_EQ(content.publicKey, report.publicKey);
  EXPECT_EQ(content.originalMessageId, report.originalMessageId);

  content.publicKey.clear();
  EXPECT_EQ("", AcknowledgementParser::Parse(AcknowledgementBuilder::Build(content)).publicKey);
}

TEST(SiteKeyRenewal, DueOnlyWithinTheWindowForOurOwnLiveKey)
{
  const int64_t now = 1800000000;
  KeyInfo key;
  key.hasSecret = true;
  EXPECT_FALSE(SiteKeyRenewal::IsDue(key, now, 60));   // never expires
  key.expires = now + 61 * kDay;
  EXPECT_FALSE(SiteKeyRenewal::IsDue(key, now, 60));
  key.expires = now + 59 * kDay;
  EXPECT_TRUE(SiteKeyRenewal::IsDue(key, now, 60));
  key.expires = now + 200 * kDay;
  key.encryptionExpires = now + 10 * kDay;             // the subkey alone would stop transfers
  EXPECT_TRUE(SiteKeyRenewal::IsDue(key, now, 60));
  key.expires = now - kDay;                            // already expired: still renewed
  key.encryptionExpires = 0;
  EXPECT_TRUE(SiteKeyRenewal::IsDue(key, now, 60));
  key.revoked = true;
  EXPECT_FALSE(SiteKeyRenewal::IsDue(key, now, 60));
  key.revoked = false;
  key.hasSecret = false;                               // a partner's key is never ours to renew
  EXPECT_FALSE(SiteKeyRenewal::IsDue(key, now, 60));
  EXPECT_EQ(uint64_t(730) * 86400, SiteKeyRenewal::NewLifetime(730));
}
