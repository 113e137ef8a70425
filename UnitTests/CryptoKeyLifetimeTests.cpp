// SPDX-License-Identifier: GPL-3.0-or-later
// A signature by a key that has expired or was revoked matches its data: it
// is neither valid nor bad, and says which (issue 14, point 6). The keys are
// made with the gpg command line, some in the past with --faked-system-time.
#include "Core/Common/Files.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/TemporaryGnupgHome.h"
#include "Core/Receiving/SignerJudgement.h"
#include "ReceivingTestSupport.h"

#include <cstdio>
#include <ctime>
#include <gtest/gtest.h>
#include <memory>

using namespace DicomMail;

namespace
{
  const long kDay = 86400;

  std::string Gpg(const TemporaryGnupgHome& home, const std::string& arguments, long fakedTime = 0)
  {
    std::string command = "gpg --homedir " + home.GetPath() + " --batch --no-tty --yes --pinentry-mode loopback "
      "--passphrase '' ";
    if (fakedTime != 0)
    {
      command += "--faked-system-time " + std::to_string(fakedTime) + "! ";
    }
    command += arguments + " 2>/dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    std::string output;
    char buffer[4096];
    size_t n;
    while (pipe != nullptr && (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    {
      output.append(buffer, n);
    }
    const int status = pipe != nullptr ? pclose(pipe) : -1;
    EXPECT_EQ(0, status) << command;
    return output;
  }

  // The fingerprint of the only secret key of a home.
  std::string OnlySecretKey(const TemporaryGnupgHome& home)
  {
    const std::string colons = Gpg(home, "--with-colons --list-secret-keys");
    const size_t fpr = colons.find("\nfpr:");
    EXPECT_NE(std::string::npos, fpr);
    const size_t start = colons.find_first_not_of(':', fpr + 5);
    return colons.substr(start, colons.find(':', start) - start);
  }

  std::string Utc(long t)
  {
    const time_t tt = t;
    struct tm parts;
    gmtime_r(&tt, &parts);
    char text[16];
    strftime(text, sizeof(text), "%Y-%m-%d", &parts);
    return text;
  }

  class CryptoKeyLifetime : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      past_ = static_cast<long>(time(nullptr)) - 400 * kDay;

      // The receiving site's key dates from the past too: gpg refuses keys
      // "created in the future" of a faked time.
      site_.reset(new TemporaryGnupgHome);
      Gpg(*site_, "--quick-gen-key 'Site <site@example.test>' future-default default never", past_);
      siteKey_ = OnlySecretKey(*site_);
      context_.reset(new OpenPgpContext(site_->GetHome()));

      partner_.reset(new TemporaryGnupgHome);
      Files::WriteAll(partner_->GetPath() + "/site.asc", context_->ExportPublicKey(siteKey_));
      Gpg(*partner_, "--import " + partner_->GetPath() + "/site.asc");
    }

    void TearDown() override
    {
      context_.reset();
      partner_.reset();
      site_.reset();
    }

    // Signed by the partner's only key and encrypted to the site, at "when".
    std::string SignEncrypt(long when)
    {
      const std::string in = partner_->GetPath() + "/plain.txt";
      Files::WriteAll(in, "signed text");
      return Gpg(*partner_, "--trust-model always -r " + siteKey_ + " --sign --encrypt -o - " + in, when);
    }

    void ImportIntoSite(const std::string& fingerprint)
    {
      context_->ImportKeys(Gpg(*partner_, "--armor --export " + fingerprint));
    }

    SignatureCheck DecryptAtSite(const std::string& cipher)
    {
      StringSource in(cipher);
      StringSink out;
      VerifyResult result = context_->DecryptAndVerify(in, out);
      EXPECT_EQ("signed text", out.GetContent());
      EXPECT_EQ(1u, result.signatures.size());
      return result.signatures.empty() ? SignatureCheck() : result.signatures.front();
    }

    long past_ = 0;
    std::unique_ptr<TemporaryGnupgHome> site_, partner_;
    std::unique_ptr<OpenPgpContext> context_;
    std::string siteKey_;
  };
}

TEST_F(CryptoKeyLifetime, ExpiredKeyThenRenewed)
{
  Gpg(*partner_, "--quick-gen-key 'Partner <p@example.test>' future-default default 1y", past_);
  const std::string partnerKey = OnlySecretKey(*partner_);
  ImportIntoSite(partnerKey);
  // Certified while the key was valid, and a mail signed then.
  Gpg(*site_, "--quick-lsign-key " + partnerKey, past_ + kDay);
  const std::string cipher = SignEncrypt(past_ + 2 * kDay);

  SignatureCheck expired = DecryptAtSite(cipher);
  EXPECT_TRUE(expired.good);         // not tampered with
  EXPECT_FALSE(expired.valid);       // but not to be accepted
  EXPECT_TRUE(expired.keyExpired);
  EXPECT_FALSE(expired.keyRevoked);
  EXPECT_EQ(partnerKey, expired.keyFingerprint);
  EXPECT_NEAR(static_cast<double>(past_ + 365 * kDay), static_cast<double>(expired.keyExpiry), 2.0 * kDay);

  // The partner renews the same key; the site imports the renewal.
  Gpg(*partner_, "--quick-set-expire " + partnerKey + " 2y");
  ImportIntoSite(partnerKey);
  SignatureCheck renewed = DecryptAtSite(cipher);
  EXPECT_TRUE(renewed.good);
  EXPECT_TRUE(renewed.valid) << renewed.DescribeSummary() << " / " << renewed.statusText;
  EXPECT_FALSE(renewed.keyExpired);
}

TEST_F(CryptoKeyLifetime, RevokedKey)
{
  Gpg(*partner_, "--quick-gen-key 'Partner <p@example.test>' future-default default never");
  const std::string partnerKey = OnlySecretKey(*partner_);
  ImportIntoSite(partnerKey);
  context_->CertifyKey(partnerKey, siteKey_);
  const std::string cipher = SignEncrypt(0);
  EXPECT_TRUE(DecryptAtSite(cipher).valid);

  // The revocation certificate gpg made with the key, imported at the partner.
  std::string certificate = Files::ReadAll(partner_->GetPath() + "/openpgp-revocs.d/" + partnerKey + ".rev",
                                           100000);
  const size_t colon = certificate.find(":-----BEGIN");
  ASSERT_NE(std::string::npos, colon);
  certificate.erase(colon, 1);
  Files::WriteAll(partner_->GetPath() + "/revoke.asc", certificate);
  Gpg(*partner_, "--import " + partner_->GetPath() + "/revoke.asc");
  ImportIntoSite(partnerKey);

  SignatureCheck revoked = DecryptAtSite(cipher);
  EXPECT_TRUE(revoked.good);
  EXPECT_FALSE(revoked.valid);
  EXPECT_TRUE(revoked.keyRevoked);
}

TEST(ReceivingSignerJudgement, ExpiredAndRevokedKeysQuarantineBadSignaturesReject)
{
  const std::string key = "0123456789ABCDEF0123456789ABCDEF01234567";
  ReceivingTest::MapTrustPolicy trust;
  trust.Add("p@example.test", "partner", key);

  SignatureCheck s;
  s.fingerprint = key;
  s.keyFingerprint = key;
  s.good = true;
  s.keyExpired = true;
  s.keyExpiry = 1735776000;   // 2025-01-02
  VerifyResult verification;
  verification.signatures.push_back(s);

  SignerJudgement expired = SignerJudgement::Judge(verification, "p@example.test", trust);
  EXPECT_FALSE(expired.accepted);
  EXPECT_FALSE(expired.badSignature);   // quarantine, not rejection
  ASSERT_FALSE(expired.reasons.empty());
  EXPECT_EQ(0u, expired.reasons[0].find("key expired on " + Utc(s.keyExpiry))) << expired.reasons[0];

  verification.signatures[0].keyRevoked = true;   // revoked wins over expired
  SignerJudgement revoked = SignerJudgement::Judge(verification, "p@example.test", trust);
  EXPECT_FALSE(revoked.accepted);
  EXPECT_FALSE(revoked.badSignature);
  EXPECT_EQ(0u, revoked.reasons[0].find("key revoked")) << revoked.reasons[0];

  verification.signatures[0] = SignatureCheck();
  verification.signatures[0].fingerprint = key;
  verification.signatures[0].keyFingerprint = key;
  verification.signatures[0].statusText = "Bad signature";
  SignerJudgement bad = SignerJudgement::Judge(verification, "p@example.test", trust);
  EXPECT_FALSE(bad.accepted);
  EXPECT_TRUE(bad.badSignature);
  EXPECT_EQ(0u, bad.reasons[0].find("bad signature")) << bad.reasons[0];
}
