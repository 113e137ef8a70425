// SPDX-License-Identifier: GPL-3.0-or-later
// Keys on every node (#18): two GnuPG homes follow one key_material table,
// on both engines.
#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Crypto/KeyMaterialSync.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/OpenPgpPackets.h"
#include "Core/Crypto/TemporaryGnupgHome.h"
#include "Core/Store/KeyMaterialStore.h"
#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  const char* const kPassphrase = "site passphrase";

  OpenPgpContext::PassphraseProvider Answer(const std::string& passphrase)
  {
    return [passphrase](const std::string&) { return passphrase; };
  }

  // A key made in a home of its own (a partner or an authority), as the
  // site would receive it: public part only.
  std::string MakeForeignKey(const std::string& userId, std::string& fingerprint)
  {
    TemporaryGnupgHome home;
    OpenPgpContext crypto(home.GetHome());
    fingerprint = crypto.GenerateSiteKey(userId, "ed25519");
    return crypto.ExportPublicKey(fingerprint);
  }

  bool HasTrustSignatureBy(const KeyInfo& key, const std::string& signerFingerprint)
  {
    for (const UserIdInfo& uid : key.userIds)
    {
      for (const Certification& c : uid.certifications)
      {
        if (c.trustDepth > 0 && signerFingerprint.size() == 40 && c.signerKeyId == signerFingerprint.substr(24))
        {
          return true;
        }
      }
    }
    return false;
  }
}

// Node A and node B: a home, a connection and a sync each, one database.
class KeyMaterialSyncTest : public StoreEngineTest
{
protected:
  KeyMaterialSyncTest() :
    dbA_(Open()),
    dbB_(Open()),
    storeA_(*dbA_),
    storeB_(*dbB_),
    syncA_(homeA_.GetHome(), storeA_, Answer(kPassphrase)),
    syncB_(homeB_.GetHome(), storeB_, Answer(kPassphrase)),
    a_(homeA_.GetHome()),
    b_(homeB_.GetHome())
  {
    a_.SetPassphraseProvider(Answer(kPassphrase));
    b_.SetPassphraseProvider(Answer(kPassphrase));
  }

  std::string MakeSiteKeyOnA()
  {
    return a_.GenerateSiteKey("Site <site@a.example>", "ed25519", kPassphrase);
  }

  TemporaryGnupgHome homeA_;
  TemporaryGnupgHome homeB_;
  std::unique_ptr<Database> dbA_;
  std::unique_ptr<Database> dbB_;
  KeyMaterialStore storeA_;
  KeyMaterialStore storeB_;
  KeyMaterialSync syncA_;
  KeyMaterialSync syncB_;
  OpenPgpContext a_;
  OpenPgpContext b_;
};

TEST_P(KeyMaterialSyncTest, TheStoreGivesEachPublicationOneGenerationAndKeepsOneRowPerKey)
{
  EXPECT_EQ(0, storeA_.GetGeneration());
  EXPECT_EQ(0, storeA_.Publish({}));
  KeyMaterial first;
  first.fingerprint = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  first.publicKey = "public A";
  KeyMaterial second = first;
  second.fingerprint = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
  EXPECT_EQ(1, storeA_.Publish({ first, second }));

  first.deleted = true;
  first.publicKey.clear();
  EXPECT_EQ(2, storeB_.Publish({ first }));   // the other node's connection
  EXPECT_EQ(2, storeA_.GetGeneration());

  const std::vector<KeyMaterial> all = storeA_.ChangedSince(0);
  ASSERT_EQ(2u, all.size());   // one row per key, its newest state
  EXPECT_EQ(second.fingerprint, all[0].fingerprint);
  EXPECT_EQ(1, all[0].generation);
  EXPECT_EQ(first.fingerprint, all[1].fingerprint);
  EXPECT_TRUE(all[1].deleted);
  EXPECT_EQ(2, all[1].generation);
  EXPECT_EQ(1u, storeA_.ChangedSince(1).size());
  EXPECT_TRUE(storeA_.ChangedSince(2).empty());

  KeyMaterial empty;
  empty.fingerprint = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
  EXPECT_THROW(storeA_.Publish({ empty }), Error);   // a live key needs its public part
  EXPECT_EQ(2, storeA_.GetGeneration());              // and the counter stayed
}

TEST_P(KeyMaterialSyncTest, AKeyImportedAndCertifiedOnAIsValidOnB)
{
  const std::string site = MakeSiteKeyOnA();
  std::string partner;
  a_.ImportKeys(MakeForeignKey("Partner <p@b.example>", partner));
  a_.CertifyKey(partner, site);   // a local certification: never in an ordinary export
  ASSERT_EQ(KeyValidity::Full, a_.GetKey(partner).validity);

  const int64_t generation = syncA_.Publish({ site, partner });
  EXPECT_EQ(1, generation);
  EXPECT_EQ(1, syncA_.GetAppliedGeneration());   // its own change needs no follow

  EXPECT_FALSE(b_.HasKey(partner));
  EXPECT_EQ(2u, syncB_.Follow());
  EXPECT_EQ(1, syncB_.GetAppliedGeneration());
  const KeyInfo onB = b_.GetKey(partner);
  EXPECT_TRUE(onB.CertifiedBy(site));
  EXPECT_EQ(KeyValidity::Full, onB.validity);
  EXPECT_TRUE(b_.GetKey(site).hasSecret);

  // B can use it: mail to the partner, signed with the shared site key.
  StringSource plain("for the partner");
  StringSink cipher;
  EXPECT_NO_THROW(b_.EncryptAndSign(plain, cipher, { partner }, site, false, false));
  EXPECT_FALSE(cipher.GetContent().empty());
}

TEST_P(KeyMaterialSyncTest, TheSiteKeyTravelsProtectedAndDecryptsOnBWithThePassphrase)
{
  const std::string site = MakeSiteKeyOnA();
  syncA_.Publish({ site });

  const std::vector<KeyMaterial> rows = storeB_.ChangedSince(0);
  ASSERT_EQ(1u, rows.size());
  EXPECT_EQ(site, rows[0].fingerprint);
  ASSERT_FALSE(rows[0].secretKey.empty());
  EXPECT_TRUE(OpenPgpPackets::AreSecretKeysProtected(rows[0].secretKey));
  EXPECT_EQ(site + ":6:\n", rows[0].ownertrust);   // ultimately trusted, as on A

  StringSource plain("study");
  StringSink cipher;
  a_.EncryptAndSign(plain, cipher, { site }, site, false, false);

  EXPECT_EQ(1u, syncB_.Follow());
  OpenPgpContext wrong(homeB_.GetHome());
  wrong.SetPassphraseProvider(Answer("not the passphrase"));
  StringSource cipherAgain(cipher.GetContent());
  StringSink ignored;
  EXPECT_THROW(wrong.DecryptAndVerify(cipherAgain, ignored), Error);

  StringSource cipherOnB(cipher.GetContent());
  StringSink decrypted;
  const VerifyResult result = b_.DecryptAndVerify(cipherOnB, decrypted);
  EXPECT_EQ("study", decrypted.GetContent());
  (void) result;
}

TEST_P(KeyMaterialSyncTest, AnUnprotectedSecretKeyIsNeverPublished)
{
  const std::string site = a_.GenerateSiteKey("Site <site@a.example>", "ed25519");
  KeyMaterialSync noPassphrase(homeA_.GetHome(), storeA_, Answer(""));
  EXPECT_THROW(noPassphrase.Publish({ site }), Error);
  EXPECT_TRUE(storeA_.ChangedSince(0).empty());
  EXPECT_EQ(0, storeA_.GetGeneration());
}

TEST_P(KeyMaterialSyncTest, ADeletionPropagates)
{
  std::string partner;
  a_.ImportKeys(MakeForeignKey("Partner <p@b.example>", partner));
  syncA_.Publish({ partner });
  EXPECT_EQ(1u, syncB_.Follow());
  ASSERT_TRUE(b_.HasKey(partner));

  a_.DeleteKey(partner, false);
  EXPECT_EQ(2, syncA_.Publish({ partner }));
  const std::vector<KeyMaterial> rows = storeB_.ChangedSince(1);
  ASSERT_EQ(1u, rows.size());
  EXPECT_TRUE(rows[0].deleted);

  EXPECT_EQ(1u, syncB_.Follow());
  EXPECT_FALSE(b_.HasKey(partner));
  EXPECT_EQ(2, syncB_.GetAppliedGeneration());
}

TEST_P(KeyMaterialSyncTest, AnAuthorityTrustedOnAVouchesForItsKeysOnB)
{
  const std::string site = MakeSiteKeyOnA();

  // The authority certified the partner (exportable) in its own home.
  TemporaryGnupgHome authorityHome;
  OpenPgpContext authority(authorityHome.GetHome());
  const std::string ca = authority.GenerateSiteKey("Network CA <ca@net.example>", "ed25519");
  std::string partner;
  authority.ImportKeys(MakeForeignKey("Partner <p@net.example>", partner));
  authority.CertifyKey(partner, ca, true);

  a_.ImportKeys(authority.ExportPublicKey(ca));
  a_.ImportKeys(authority.ExportPublicKey(partner));
  a_.TrustAuthority(ca, "net.example", site);
  ASSERT_EQ(KeyValidity::Full, a_.GetKey(partner).validity);

  syncA_.PublishAll();
  EXPECT_EQ(3u, syncB_.Follow());
  EXPECT_TRUE(HasTrustSignatureBy(b_.GetKey(ca), site));
  // Only because the site key is ultimately trusted on B, too (ownertrust).
  EXPECT_EQ(KeyValidity::Full, b_.GetKey(partner).validity);
}

TEST_P(KeyMaterialSyncTest, AFollowWithNothingNewStartsNoGpg)
{
  // A home whose gpg cannot start: any gpg work would throw.
  GnupgHome::Options broken;
  broken.gpgProgram = dir_.File("no-such-gpg");
  TemporaryGnupgHome brokenHome("/tmp", broken);
  KeyMaterialSync follower(brokenHome.GetHome(), storeB_, Answer(kPassphrase));
  EXPECT_EQ(0u, follower.Follow());

  std::string partner;
  a_.ImportKeys(MakeForeignKey("Partner <p@b.example>", partner));
  syncA_.Publish({ partner });
  EXPECT_THROW(follower.Follow(), Error);   // now there is work, and it needs gpg
  EXPECT_EQ(0, follower.GetAppliedGeneration());

  EXPECT_EQ(1u, syncB_.Follow());
  EXPECT_EQ(0u, syncB_.Follow());
  EXPECT_EQ(1, syncB_.GetAppliedGeneration());
}

INSTANTIATE_STORE_ENGINES(KeyMaterialSyncTest);
