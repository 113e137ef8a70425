// SPDX-License-Identifier: GPL-3.0-or-later
// The key states shared by the contexts of one home (#25): one listing per
// change of the keyring, a change made elsewhere seen at once.
#include "Core/Common/Files.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Crypto/KeyStateCache.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <sys/stat.h>

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

TEST(CryptoKeyStateCache, AKeyLookedUpAloneCostsOneGpg)
{
  // A gpg that writes down each of its runs (#15: the send route's partner
  // check ran gpg twice per key when the shared states were stale).
  TemporaryGnupgHome tools;
  const std::string runs = tools.GetPath() + "/runs.log";
  const std::string counting = tools.GetPath() + "/counting-gpg";
  Files::WriteAll(counting, "#!/bin/sh\necho \"$*\" >> '" + runs + "'\nexec '" +
                  GpgmeLibrary::GetGpgEnginePath() + "' \"$@\"\n");
  ASSERT_EQ(0, chmod(counting.c_str(), 0700));
  GnupgHome::Options options;
  options.gpgProgram = counting;

  TemporaryGnupgHome partnerHome;
  TemporaryGnupgHome siteHome("/tmp", options);
  OpenPgpContext partner(partnerHome.GetHome());
  OpenPgpContext writer(siteHome.GetHome());
  const std::string partnerKey = partner.GenerateSiteKey("Partner <p@example.test>", "ed25519");
  const std::string absentKey = partner.GenerateSiteKey("Other <o@example.test>", "ed25519");
  const std::string siteKey = writer.GenerateSiteKey("Site <s@example.test>", "ed25519");
  writer.ImportKeys(partner.ExportPublicKey(partnerKey, true));
  writer.CertifyKey(partnerKey, siteKey, false);
  OpenPgpContext reader(siteHome.GetHome());

  const auto countRuns = [&runs] {
    const std::string text = Files::ReadAll(runs, 1 << 20);
    Files::Remove(runs);
    return std::count(text.begin(), text.end(), '\n');
  };
  countRuns();
  KeyInfo key;
  ASSERT_TRUE(reader.FindKeyState(partnerKey, key));
  EXPECT_TRUE(key.CertifiedBy(siteKey));   // with its certifications
  EXPECT_EQ(1, countRuns());
  EXPECT_FALSE(reader.FindKeyState(absentKey, key));
  EXPECT_EQ(1, countRuns());
}
