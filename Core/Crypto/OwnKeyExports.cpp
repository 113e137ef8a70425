// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/OwnKeyExports.h"

namespace DicomMail
{
  constexpr std::chrono::minutes OwnKeyExports::kMaxAge;

  OwnKeyExports& OwnKeyExports::Shared()
  {
    static OwnKeyExports shared;
    return shared;
  }

  std::string OwnKeyExports::Get(const std::string& home, const std::string& fingerprint,
                                 const std::function<std::string()>& exporter)
  {
    // Taken before the export: a change while gpg runs leaves this stamp
    // behind, so the next call exports again.
    const KeyringStamp stamp = KeyringStamp::Take(home);
    const std::string name = home + "\n" + fingerprint;
    if (!stamp.IsRacy())
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto found = entries_.find(name);
      if (found != entries_.end() && found->second.stamp == stamp &&
          std::chrono::steady_clock::now() - found->second.stored < kMaxAge)
      {
        return found->second.exported;
      }
    }

    const std::string exported = exporter();   // outside the lock: gpg may take a while
    if (!exported.empty() && !stamp.IsRacy())
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (entries_.size() >= kMaxEntries)
      {
        entries_.clear();
      }
      entries_[name] = Entry{ stamp, exported, std::chrono::steady_clock::now() };
    }
    return exported;
  }
}
