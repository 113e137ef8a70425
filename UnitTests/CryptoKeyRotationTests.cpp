// SPDX-License-Identifier: GPL-3.0-or-later
// A partner's new primary key is taken only when the key the site trusts
// certified it (#22): the rule on keys as real gpg lists them, and each
// refusal with its reason.
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/KeyTravel.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/SiteRevocationCertificate.h"
#include "Core/Crypto/TemporaryGnupgHome.h"
#include "Core/Partners/KeyAnnouncementMail.h"
#include "Core/Partners/KeyRotationRule.h"

#include <gtest/gtest.h>
#include <memory>

using namespace DicomMail;

namespace
{
  const char kPartnerUid[] = "Partner <partner@example.test>";

  class CryptoKeyRotation : public ::testing::Test
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
      oldKey_ = partnerGpg_->GenerateSiteKey(kPartnerUid, "ed25519");
      strangerKey_ = strangerGpg_->GenerateSiteKey("Stranger <stranger@example.test>", "ed25519");
      siteGpg_->ImportKeys(partnerGpg_->ExportPublicKey(oldKey_));
      siteGpg_->CertifyKey(oldKey_, siteKey_);

      partnerSettings_.name = "partner";
      partnerSettings_.addresses.push_back("partner@example.test");
      partnerSettings_.fingerprint = oldKey_;
    }

    void TearDown() override
    {
      siteGpg_.reset();
      partnerGpg_.reset();
      strangerGpg_.reset();
    }

    // A new key of the partner, certified (exportably) by "certifier" in
    // "home" when given, as it would travel in the announcement.
    std::string NewPartnerKey(OpenPgpContext* certifierGpg, const std::string& certifier, std::string& fingerprint)
    {
      fingerprint = partnerGpg_->GenerateSiteKey(kPartnerUid, "ed25519");
      if (certifierGpg == partnerGpg_.get())
      {
        partnerGpg_->CertifyKey(fingerprint, certifier, true);
      }
      else if (certifierGpg != nullptr)
      {
        certifierGpg->ImportKeys(partnerGpg_->ExportPublicKey(fingerprint));
        certifierGpg->CertifyKey(fingerprint, certifier, true);
        return certifierGpg->ExportPublicKey(fingerprint, false);
      }
      return partnerGpg_->ExportPublicKey(fingerprint, false);
    }

    RotationVerdict Judge(const std::string& key, const std::string& fingerprint, const std::string& signer)
    {
      const KeyInfo trusted = siteGpg_->GetKey(oldKey_);
      const KeyInfo announced = siteGpg_->InspectCandidateKey(key, fingerprint, oldKey_);
      return KeyRotationRule::Judge(partnerSettings_, signer, &trusted, &announced);
    }

    std::unique_ptr<TemporaryGnupgHome> site_, partner_, stranger_;
    std::unique_ptr<OpenPgpContext> siteGpg_, partnerGpg_, strangerGpg_;
    std::string siteKey_, oldKey_, strangerKey_;
    PartnerSettings partnerSettings_;
  };
}

TEST_F(CryptoKeyRotation, ANewKeyCertifiedByTheTrustedKeyIsAccepted)
{
  std::string fresh;
  const std::string key = NewPartnerKey(partnerGpg_.get(), oldKey_, fresh);
  const RotationVerdict verdict = Judge(key, fresh, oldKey_);
  EXPECT_TRUE(verdict.accepted) << verdict.reason;
  EXPECT_EQ("", verdict.reason);
  // Judged in a scratch home: the site keyring has not seen the key.
  EXPECT_FALSE(siteGpg_->HasKey(fresh));
}

TEST_F(CryptoKeyRotation, AnUncertifiedNewKeyIsRefused)
{
  std::string fresh;
  const std::string key = NewPartnerKey(nullptr, "", fresh);
  const RotationVerdict verdict = Judge(key, fresh, oldKey_);
  EXPECT_FALSE(verdict.accepted);
  EXPECT_NE(std::string::npos, verdict.reason.find("carries no valid certification by its key " + oldKey_))
    << verdict.reason;
  EXPECT_NE(std::string::npos, verdict.reason.find("not certified at all")) << verdict.reason;
}

TEST_F(CryptoKeyRotation, ANewKeyCertifiedByAnUntrustedKeyIsRefused)
{
  std::string fresh;
  const std::string key = NewPartnerKey(strangerGpg_.get(), strangerKey_, fresh);
  const RotationVerdict verdict = Judge(key, fresh, oldKey_);
  EXPECT_FALSE(verdict.accepted);
  EXPECT_NE(std::string::npos, verdict.reason.find("certified only by " + strangerKey_.substr(24)))
    << verdict.reason;
}

TEST_F(CryptoKeyRotation, AnAnnouncementSignedByAnotherKeyIsRefused)
{
  std::string fresh;
  const std::string key = NewPartnerKey(partnerGpg_.get(), oldKey_, fresh);
  const RotationVerdict verdict = Judge(key, fresh, strangerKey_);
  EXPECT_FALSE(verdict.accepted);
  EXPECT_NE(std::string::npos, verdict.reason.find("signed by " + strangerKey_ + ", not by the key " + oldKey_))
    << verdict.reason;
}

TEST_F(CryptoKeyRotation, ACertificationByARevokedKeyIsRefused)
{
  std::string fresh;
  const std::string key = NewPartnerKey(partnerGpg_.get(), oldKey_, fresh);
  std::string certificate;
  ASSERT_TRUE(SiteRevocationCertificate::Take(partner_->GetPath(), oldKey_, certificate));
  siteGpg_->ImportRevocation(certificate, oldKey_);
  const RotationVerdict verdict = Judge(key, fresh, oldKey_);
  EXPECT_FALSE(verdict.accepted);
  EXPECT_NE(std::string::npos, verdict.reason.find("is revoked: it vouches for no new key")) << verdict.reason;
}

TEST_F(CryptoKeyRotation, ACertificationByAnExpiredKeyIsRefused)
{
  std::string fresh;
  const std::string key = NewPartnerKey(partnerGpg_.get(), oldKey_, fresh);
  // The trusted key as the keyring lists it once its date passed.
  KeyInfo trusted = siteGpg_->GetKey(oldKey_);
  trusted.expired = true;
  const KeyInfo announced = siteGpg_->InspectCandidateKey(key, fresh, oldKey_);
  const RotationVerdict verdict = KeyRotationRule::Judge(partnerSettings_, oldKey_, &trusted, &announced);
  EXPECT_FALSE(verdict.accepted);
  EXPECT_NE(std::string::npos, verdict.reason.find("has expired: it vouches for no new key")) << verdict.reason;
}

TEST_F(CryptoKeyRotation, ABadOrRevokedCertificationOrAnotherAddressIsRefused)
{
  std::string fresh;
  const std::string key = NewPartnerKey(partnerGpg_.get(), oldKey_, fresh);
  const KeyInfo trusted = siteGpg_->GetKey(oldKey_);
  const KeyInfo announced = siteGpg_->InspectCandidateKey(key, fresh, oldKey_);
  ASSERT_TRUE(KeyRotationRule::Judge(partnerSettings_, oldKey_, &trusted, &announced).accepted);

  // gpg found the certification bad (a forged one).
  KeyInfo forged = announced;
  for (UserIdInfo& uid : forged.userIds)
  {
    for (Certification& c : uid.certifications)
    {
      c.verified = false;
    }
  }
  EXPECT_FALSE(KeyRotationRule::Judge(partnerSettings_, oldKey_, &trusted, &forged).accepted);

  // The trusted key revoked its certification afterwards.
  KeyInfo withdrawn = announced;
  Certification revocation;
  revocation.signerKeyId = oldKey_.substr(24);
  revocation.created = time(nullptr) + 10;
  revocation.isRevocation = true;
  revocation.verified = true;
  withdrawn.userIds.front().certifications.push_back(revocation);
  EXPECT_FALSE(KeyRotationRule::Judge(partnerSettings_, oldKey_, &trusted, &withdrawn).accepted);

  // The certified user ID is not one of the partner's addresses.
  PartnerSettings elsewhere = partnerSettings_;
  elsewhere.addresses.assign(1, "someone@other.test");
  EXPECT_FALSE(KeyRotationRule::Judge(elsewhere, oldKey_, &trusted, &announced).accepted);

  // The same key again, or none at all.
  const RotationVerdict same = KeyRotationRule::Judge(partnerSettings_, oldKey_, &trusted, &trusted);
  EXPECT_NE(std::string::npos, same.reason.find("is the key it replaces")) << same.reason;
  EXPECT_FALSE(KeyRotationRule::Judge(partnerSettings_, oldKey_, &trusted, nullptr).accepted);
  EXPECT_FALSE(KeyRotationRule::Judge(partnerSettings_, oldKey_, nullptr, &announced).accepted);
}

TEST_F(CryptoKeyRotation, TheAnnouncementEntityNamesTheNewKeyAndCarriesBoth)
{
  std::string fresh;
  NewPartnerKey(partnerGpg_.get(), oldKey_, fresh);
  const std::string keys = KeyTravel::ExportOwnKey(*partnerGpg_, oldKey_) + KeyTravel::ExportOwnKey(*partnerGpg_, fresh);
  const std::string entity = KeyAnnouncementMail::ComposeEntity(oldKey_, fresh, keys);
  EXPECT_NE(std::string::npos, entity.find(std::string(KeyAnnouncementMail::kHeader) + ": " + fresh + "\r\n"));
  EXPECT_NE(std::string::npos, entity.find("application/pgp-keys"));

  MimeHeaders headers;
  headers.Add(KeyAnnouncementMail::kHeader, Fingerprint::GroupInFours(fresh));
  KeyAnnouncement announcement;
  ASSERT_TRUE(KeyAnnouncementMail::Read(headers, keys, announcement));
  EXPECT_EQ(fresh, announcement.newFingerprint);
  EXPECT_EQ(keys, announcement.keyPart);

  MimeHeaders none;
  EXPECT_FALSE(KeyAnnouncementMail::Read(none, keys, announcement));
  MimeHeaders malformed;
  malformed.Add(KeyAnnouncementMail::kHeader, "ABCD");
  EXPECT_THROW(KeyAnnouncementMail::Read(malformed, keys, announcement), Error);
}
