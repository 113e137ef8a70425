// SPDX-License-Identifier: GPL-3.0-or-later
// One context's remembered key listings (#15): kept while the keyring is
// unchanged and settled, never vouched for by a stamp taken right after a
// change.
#include "Core/Crypto/KeyLookupCache.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  const int64_t kSecond = 1000000000;

  // Keyring files whose identity and clock the test moves by hand.
  struct FakeKeyring
  {
    std::string identity = "inode1:100:t1";
    int64_t changed = 10 * kSecond;
    int64_t now = 100 * kSecond;

    KeyLookupCache MakeCache()
    {
      return KeyLookupCache([this] { return KeyringStamp::FromParts(identity, changed, now); });
    }

    // A change of the keyring files, "now" just after it.
    void Change(const std::string& newIdentity)
    {
      identity = newIdentity;
      changed = now;
      now += kSecond / 100;
    }
  };

  // What OpenPgpContext::FindKey does: look, and list and keep on a miss.
  bool LookUp(KeyLookupCache& cache, const std::string& lookup, int& listings)
  {
    DicomMail::GpgmeKey key;
    if (cache.Find(lookup, key))
    {
      return true;
    }
    listings++;
    cache.Store(lookup, DicomMail::GpgmeKey());
    return false;
  }
}

TEST(CryptoKeyLookupCache, ListsOnceWhileTheKeyringIsUnchanged)
{
  FakeKeyring ring;
  KeyLookupCache cache = ring.MakeCache();
  int listings = 0;
  EXPECT_FALSE(LookUp(cache, "site:secret", listings));
  EXPECT_TRUE(LookUp(cache, "site:secret", listings));
  EXPECT_TRUE(LookUp(cache, "site:secret", listings));
  EXPECT_EQ(1, listings);

  ring.Change("inode2:120:t2");
  ring.now += 2 * kSecond;
  EXPECT_FALSE(LookUp(cache, "site:secret", listings));   // another keyring: listed again
  EXPECT_TRUE(LookUp(cache, "site:secret", listings));
  EXPECT_EQ(2, listings);
}

TEST(CryptoKeyLookupCache, KeepsListingsOnceTheKeyringHasSettled)
{
  // The acknowledgement sender's first lookup followed the import of a
  // partner key; the keyring then stayed as it was. Every later lookup must
  // not start gpg again (it did, once per received mail).
  FakeKeyring ring;
  ring.Change("inode2:120:t2");
  KeyLookupCache cache = ring.MakeCache();
  int listings = 0;
  EXPECT_FALSE(LookUp(cache, "site:secret", listings));
  EXPECT_FALSE(LookUp(cache, "site:secret", listings));   // within the racy second: not kept
  EXPECT_EQ(2, listings);

  ring.now += 5 * kSecond;
  EXPECT_FALSE(LookUp(cache, "site:secret", listings));   // nothing was kept while racy
  for (int i = 0; i < 10; i++)
  {
    EXPECT_TRUE(LookUp(cache, "site:secret", listings));
  }
  EXPECT_EQ(3, listings);
}

TEST(CryptoKeyLookupCache, ClearForgetsEverything)
{
  FakeKeyring ring;
  KeyLookupCache cache = ring.MakeCache();
  int listings = 0;
  LookUp(cache, "a", listings);
  EXPECT_TRUE(LookUp(cache, "a", listings));
  cache.Clear();
  EXPECT_FALSE(LookUp(cache, "a", listings));
  EXPECT_EQ(2, listings);
}
