// SPDX-License-Identifier: GPL-3.0-or-later
// The key states shared by the contexts of one home (#25): one listing per
// change of the keyring, a change made elsewhere seen at once.
#include "Core/Common/ByteStream.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Crypto/KeyStateCache.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace DicomMail;

namespace
{
  const int64_t kSecond = 1000000000;

  KeyInfo Key(const std::string& fingerprint)
  {
    KeyInfo key;
    key.fingerprint = fingerprint;
    return key;
  }

  const std::string kA = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  const std::string kB = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

  // A keyring whose files and clock the test moves by hand.
  struct FakeKeyring
  {
    std::string identity = "inode1:100:t1";
    int64_t changed = 10 * kSecond;
    int64_t now = 100 * kSecond;
    std::chrono::steady_clock::time_point steady{};
    std::vector<KeyInfo> keys{Key(kA)};
    int listings = 0;

    KeyStateCache MakeCache()
    {
      return KeyStateCache([this] { return KeyringStamp::FromParts(identity, changed, now); },
                           [this] { return steady; });
    }

    KeyStateCache::Lister Lister()
    {
      return [this] { listings++; return keys; };
    }
  };
}

TEST(CryptoKeyStateCache, ListsOncePerChangeOfTheKeyring)
{
  FakeKeyring ring;
  KeyStateCache cache = ring.MakeCache();
  EXPECT_EQ(nullptr, cache.Peek());
  for (int i = 0; i < 5; i++)
  {
    EXPECT_NE(nullptr, cache.Get(ring.Lister())->Find(kA));
  }
  EXPECT_EQ(1, ring.listings);
  EXPECT_NE(nullptr, cache.Peek());

  // An import elsewhere rewrites pubring.kbx.
  ring.keys.push_back(Key(kB));
  ring.identity = "inode2:200:t2";
  EXPECT_EQ(nullptr, cache.Peek());
  EXPECT_NE(nullptr, cache.Get(ring.Lister())->Find(kB));
  EXPECT_EQ(2, ring.listings);

  cache.Invalidate();
  cache.Get(ring.Lister());
  EXPECT_EQ(3, ring.listings);
}

TEST(CryptoKeyStateCache, AListingIsReusedForAMinuteAtMost)
{
  FakeKeyring ring;
  KeyStateCache cache = ring.MakeCache();
  cache.Get(ring.Lister());
  ring.steady += KeyStateCache::kMaxAge;
  cache.Get(ring.Lister());
  EXPECT_EQ(1, ring.listings);
  ring.steady += std::chrono::seconds(1);   // expiry is a matter of time, not of files
  cache.Get(ring.Lister());
  EXPECT_EQ(2, ring.listings);
}

// trustdb.gpg is rewritten in place: a second change within one tick of the
// file clock leaves the stamp as it was. A listing made that soon after a
// change is never reused.
TEST(CryptoKeyStateCache, AListingRightAfterAChangeIsNotReused)
{
  FakeKeyring ring;
  ring.changed = ring.now - KeyringStamp::kRacyNanoseconds / 2;
  KeyStateCache cache = ring.MakeCache();
  cache.Get(ring.Lister());
  cache.Get(ring.Lister());
  EXPECT_EQ(2, ring.listings);
  EXPECT_EQ(nullptr, cache.Peek());

  ring.now = ring.changed + KeyringStamp::kRacyNanoseconds;
  cache.Get(ring.Lister());
  cache.Get(ring.Lister());
  EXPECT_EQ(3, ring.listings);
}

// A key listed alone is shared by the rules of a whole listing (#15).
TEST(CryptoKeyStateCache, AKeyListedAloneIsSharedUnderTheSameRules)
{
  FakeKeyring ring;
  KeyStateCache cache = ring.MakeCache();
  KeyInfo found;
  EXPECT_FALSE(cache.PeekKey(kA, found));
  cache.Remember(Key(kA), cache.Stamp());
  ASSERT_TRUE(cache.PeekKey(kA, found));
  EXPECT_EQ(kA, found.fingerprint);
  EXPECT_TRUE(cache.PeekKey("aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa", found));
  EXPECT_FALSE(cache.PeekKey(kB, found));

  ring.steady += KeyStateCache::kMaxAge + std::chrono::seconds(1);
  EXPECT_FALSE(cache.PeekKey(kA, found));   // a minute at most

  cache.Remember(Key(kA), cache.Stamp());
  ring.identity = "inode2:200:t2";          // changed elsewhere
  EXPECT_FALSE(cache.PeekKey(kA, found));

  cache.Remember(Key(kA), cache.Stamp());
  cache.Invalidate();                       // changed by us
  EXPECT_FALSE(cache.PeekKey(kA, found));

  ring.changed = ring.now - KeyringStamp::kRacyNanoseconds / 2;
  cache.Remember(Key(kA), cache.Stamp());   // listed right after a change
  EXPECT_FALSE(cache.PeekKey(kA, found));
}

// A valid whole listing answers for every key, present or absent.
TEST(CryptoKeyStateCache, AWholeListingAnswersBeforeKeysListedAlone)
{
  FakeKeyring ring;
  KeyStateCache cache = ring.MakeCache();
  cache.Remember(Key(kB), cache.Stamp());
  cache.Get(ring.Lister());   // holds kA only
  KeyInfo found;
  EXPECT_TRUE(cache.PeekKey(kA, found));
  EXPECT_FALSE(cache.PeekKey(kB, found));
}

TEST(CryptoKeyStateCache, FindsByFingerprintInAnyCase)
{
  const KeyringState state({Key(kA)});
  EXPECT_NE(nullptr, state.Find("aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa"));
  EXPECT_EQ(nullptr, state.Find(kB));
  EXPECT_EQ(nullptr, state.Find("not a fingerprint"));
}

// With a real home: a certification made through another context, and a
// deletion made with the gpg command, show in the next states at once.
TEST(CryptoKeyStateCache, SharedStatesFollowChangesMadeElsewhere)
{
  TemporaryGnupgHome partnerHome;
  TemporaryGnupgHome siteHome;
  OpenPgpContext partner(partnerHome.GetHome());
  OpenPgpContext reader(siteHome.GetHome());
  OpenPgpContext writer(siteHome.GetHome());
  const std::string partnerKey = partner.GenerateSiteKey("Partner <p@example.test>", "ed25519");
  const std::string siteKey = writer.GenerateSiteKey("Site <s@example.test>", "ed25519");

  ASSERT_EQ(nullptr, reader.GetKeyStates()->Find(partnerKey));
  writer.ImportKeys(partner.ExportPublicKey(partnerKey, true));
  const KeyInfo* imported = reader.GetKeyStates()->Find(partnerKey);
  ASSERT_NE(nullptr, imported);
  EXPECT_FALSE(imported->CertifiedBy(siteKey));

  writer.CertifyKey(partnerKey, siteKey, false);
  const KeyInfo* certified = reader.GetKeyStates()->Find(partnerKey);
  ASSERT_NE(nullptr, certified);
  EXPECT_TRUE(certified->CertifiedBy(siteKey));
  KeyInfo single;
  ASSERT_TRUE(reader.FindKeyState(partnerKey, single));
  EXPECT_TRUE(single.CertifiedBy(siteKey));

  const std::string command = "gpg --batch --yes --homedir " + siteHome.GetHome().GetPath() +
    " --delete-keys " + partnerKey + " 2>/dev/null";
  ASSERT_EQ(0, system(command.c_str()));
  EXPECT_EQ(nullptr, reader.GetKeyStates()->Find(partnerKey));
  EXPECT_FALSE(reader.FindKeyState(partnerKey, single));
}

namespace
{
  // A gpg that writes down each of its runs (#15: gpg runs before the first
  // mail of a transfer leaves).
  struct CountingGpg
  {
    TemporaryGnupgHome tools;
    std::string runs = tools.GetPath() + "/runs.log";
    GnupgHome::Options options;

    CountingGpg()
    {
      const std::string program = tools.GetPath() + "/counting-gpg";
      // GPGME's "gpg --version" at a context's first GPGME operation is
      // not counted: what is counted is the work.
      Files::WriteAll(program, "#!/bin/sh\n[ \"$*\" = --version ] || echo \"$*\" >> '" + runs + "'\nexec '" +
                      GpgmeLibrary::GetGpgEnginePath() + "' \"$@\"\n");
      EXPECT_EQ(0, chmod(program.c_str(), 0700));
      options.gpgProgram = program;
    }

    // The runs since the last call.
    long Runs()
    {
      if (access(runs.c_str(), F_OK) != 0)
      {
        return 0;
      }
      const std::string text = Files::ReadAll(runs, 1 << 20);
      Files::Remove(runs);
      return std::count(text.begin(), text.end(), '\n');
    }
  };

  // A site home that counts its gpg runs, holding a partner key it
  // certified.
  struct CountedSite
  {
    CountingGpg gpg;
    TemporaryGnupgHome partnerHome;
    TemporaryGnupgHome siteHome{"/tmp", gpg.options};
    OpenPgpContext partner{partnerHome.GetHome()};
    OpenPgpContext writer{siteHome.GetHome()};
    std::string partnerKey = partner.GenerateSiteKey("Partner <p@example.test>", "ed25519");
    std::string absentKey = partner.GenerateSiteKey("Other <o@example.test>", "ed25519");
    std::string siteKey = writer.GenerateSiteKey("Site <s@example.test>", "ed25519");

    CountedSite()
    {
      writer.ImportKeys(partner.ExportPublicKey(partnerKey, true));
      writer.CertifyKey(partnerKey, siteKey, false);
      // A listing within a second of a change is never shared (KeyringStamp).
      std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    }
  };

  void EncryptToPartner(OpenPgpContext& crypto, const CountedSite& site)
  {
    StringSource plain("one mail");
    StringSink cipher;
    crypto.EncryptAndSign(plain, cipher, {site.partnerKey}, site.siteKey, true, false, "");
  }
}

TEST(CryptoKeyStateCache, AKeyLookedUpAloneCostsOneGpg)
{
  // The send route's partner check ran gpg twice per key when the shared
  // states were stale.
  CountedSite site;
  OpenPgpContext reader(site.siteHome.GetHome());
  site.gpg.Runs();
  KeyInfo key;
  ASSERT_TRUE(reader.FindKeyState(site.partnerKey, key));
  EXPECT_TRUE(key.CertifiedBy(site.siteKey));   // with its certifications
  EXPECT_EQ(1, site.gpg.Runs());
  EXPECT_FALSE(reader.FindKeyState(site.absentKey, key));
  EXPECT_EQ(1, site.gpg.Runs());
}

TEST(CryptoKeyStateCache, KeysLookedUpAloneServeOtherContextsUntilTheKeyringChanges)
{
  CountedSite site;
  OpenPgpContext route(site.siteHome.GetHome());
  OpenPgpContext job(site.siteHome.GetHome());
  KeyInfo key;
  ASSERT_TRUE(route.FindKeyState(site.partnerKey, key));
  ASSERT_TRUE(route.FindKeyState(site.siteKey, key));
  EXPECT_TRUE(key.hasSecret);
  site.gpg.Runs();

  // The job's checks of both keys come from the route's lookups: the
  // sign+encrypt run is the only gpg.
  ASSERT_TRUE(job.FindKeyState(site.partnerKey, key));
  EncryptToPartner(job, site);
  EXPECT_EQ(1, site.gpg.Runs());

  // A change made elsewhere: the keys are looked at again, and the deleted
  // one is refused before gpg encrypts anything.
  const std::string command = "gpg --batch --yes --homedir " + site.siteHome.GetPath() +
    " --delete-keys " + site.partnerKey + " 2>/dev/null";
  ASSERT_EQ(0, system(command.c_str()));
  site.gpg.Runs();
  EXPECT_FALSE(job.FindKeyState(site.partnerKey, key));
  EXPECT_THROW(EncryptToPartner(job, site), Error);
  EXPECT_LE(1, site.gpg.Runs());
}
