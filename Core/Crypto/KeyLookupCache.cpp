// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/KeyLookupCache.h"

#include <sys/stat.h>

namespace DicomMail
{
  constexpr std::chrono::seconds KeyLookupCache::kMaxAge;

  namespace
  {
    void AppendFileStamp(const std::string& path, std::string& stamp)
    {
      struct stat info;
      if (stat(path.c_str(), &info) != 0)
      {
        stamp += "-|";
        return;
      }
      stamp += std::to_string(info.st_ino) + ":" + std::to_string(info.st_size) + ":" +
               std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec) + ":" +
               std::to_string(info.st_ctim.tv_sec) + "." + std::to_string(info.st_ctim.tv_nsec) + "|";
    }
  }

  KeyLookupCache::KeyLookupCache(const std::string& gnupgHome) :
    home_(gnupgHome)
  {
  }

  std::string KeyLookupCache::CurrentStamp() const
  {
    std::string stamp;
    AppendFileStamp(home_ + "/pubring.kbx", stamp);
    AppendFileStamp(home_ + "/trustdb.gpg", stamp);
    AppendFileStamp(home_ + "/private-keys-v1.d", stamp);
    return stamp;
  }

  bool KeyLookupCache::Find(const std::string& lookup, GpgmeKey& key)
  {
    const std::string stamp = CurrentStamp();
    if (stamp != stamp_)
    {
      entries_.clear();
      stamp_ = stamp;
      return false;
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
    // while listing invalidates this entry on the next Find.
    entries_[lookup] = Entry{key, std::chrono::steady_clock::now()};
  }

  void KeyLookupCache::Clear()
  {
    entries_.clear();
    stamp_.clear();
  }
}
