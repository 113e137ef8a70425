// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/MergedKeyParts.h"

#include "Core/Transfer/Sha256.h"

namespace DicomMail
{
  constexpr std::chrono::minutes MergedKeyParts::kMaxAge;

  MergedKeyParts& MergedKeyParts::Shared()
  {
    static MergedKeyParts shared;
    return shared;
  }

  bool MergedKeyParts::WasMerged(const std::string& home, const std::string& signer, const std::string& keyPart)
  {
    const std::string digest = Sha256::OfString(keyPart);
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = entries_.find(home + "\n" + signer);
    return found != entries_.end() && found->second.digest == digest &&
      std::chrono::steady_clock::now() - found->second.merged < kMaxAge;
  }

  void MergedKeyParts::Remember(const std::string& home, const std::string& signer, const std::string& keyPart)
  {
    const std::string digest = Sha256::OfString(keyPart);
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.size() >= kMaxEntries)
    {
      entries_.clear();   // a bound, not a policy: the next mails merge again
    }
    entries_[home + "\n" + signer] = Entry{ digest, std::chrono::steady_clock::now() };
  }
}
