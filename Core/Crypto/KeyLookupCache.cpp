// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/KeyLookupCache.h"

namespace DicomMail
{
  constexpr std::chrono::seconds KeyLookupCache::kMaxAge;

  KeyLookupCache::KeyLookupCache(const std::string& gnupgHome) :
    KeyLookupCache([gnupgHome] { return KeyringStamp::Take(gnupgHome); })
  {
  }

  KeyLookupCache::KeyLookupCache(std::function<KeyringStamp()> stamp) :
    takeStamp_(std::move(stamp))
  {
  }

  bool KeyLookupCache::Find(const std::string& lookup, GpgmeKey& key)
  {
    const KeyringStamp stamp = takeStamp_();
    if (stamp != stamp_ || stamp.IsRacy())
    {
      entries_.clear();
      stamp_ = stamp;
      return false;
    }
    if (stamp_.IsRacy())
    {
      // The same files, now settled: nothing was kept under the racy stamp
      // (Store), and listings from now on may be. Keeping the racy one would
      // refuse every Store until the keyring next changes - a context whose
      // first lookup followed an import then listed on every call (#15).
      stamp_ = stamp;
    }

    auto found = entries_.find(lookup);
    if (found == entries_.end())
    {
      return false;
    }
    if (std::chrono::steady_clock::now() - found->second.stored > kMaxAge)
    {
      entries_.erase(found);
      return false;
    }
    key = found->second.key;
    return true;
  }

  void KeyLookupCache::Store(const std::string& lookup, const GpgmeKey& key)
  {
    // The stamp is taken before the listing (in Find), so a change made
    // while listing invalidates this entry on the next Find; a racy stamp
    // cannot tell, so such a listing is not kept.
    if (stamp_.IsRacy())
    {
      return;
    }
    entries_[lookup] = Entry{key, std::chrono::steady_clock::now()};
  }

  void KeyLookupCache::Clear()
  {
    entries_.clear();
    stamp_ = KeyringStamp();
  }
}
