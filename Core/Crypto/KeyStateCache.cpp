// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/KeyStateCache.h"

#include "Core/Crypto/Fingerprint.h"

namespace DicomMail
{
  constexpr std::chrono::seconds KeyStateCache::kMaxAge;

  KeyringState::KeyringState(std::vector<KeyInfo> keys) :
    keys_(std::move(keys)),
    authorities_(FindCertifyingAuthorities(keys_))
  {
    for (size_t i = 0; i < keys_.size(); i++)
    {
      index_[keys_[i].fingerprint] = i;
    }
  }

  const KeyInfo* KeyringState::Find(const std::string& fingerprint) const
  {
    if (!Fingerprint::IsValidFingerprint(fingerprint))
    {
      return nullptr;
    }
    auto found = index_.find(Fingerprint::Normalize(fingerprint));
    return found == index_.end() ? nullptr : &keys_[found->second];
  }

  bool KeyringState::Find(const std::string& fingerprint, KeyInfo& key) const
  {
    const KeyInfo* found = Find(fingerprint);
    if (found != nullptr)
    {
      key = *found;
    }
    return found != nullptr;
  }

  KeyStateCache::KeyStateCache(const std::string& gnupgHome) :
    KeyStateCache([gnupgHome] { return KeyringStamp::Take(gnupgHome); },
                  [] { return std::chrono::steady_clock::now(); })
  {
  }

  KeyStateCache::KeyStateCache(std::function<KeyringStamp()> stamp, Clock clock) :
    stamp_(std::move(stamp)),
    clock_(std::move(clock))
  {
  }

  bool KeyStateCache::IsFresh(const KeyringStamp& listedAt, std::chrono::steady_clock::time_point listedWhen,
                              const KeyringStamp& now) const
  {
    return now == listedAt && !listedAt.IsRacy() && clock_() - listedWhen <= kMaxAge;
  }

  bool KeyStateCache::IsValid(const KeyringStamp& now) const
  {
    return state_ && IsFresh(listedAt_, listedWhen_, now);
  }

  KeyringStamp KeyStateCache::Stamp() const
  {
    return stamp_();
  }

  void KeyStateCache::Remember(const KeyInfo& key, const KeyringStamp& before)
  {
    if (!Fingerprint::IsValidFingerprint(key.fingerprint))
    {
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    Listed& listed = alone_[Fingerprint::Normalize(key.fingerprint)];
    listed.key = key;
    listed.stamp = before;
    listed.when = clock_();
  }

  bool KeyStateCache::PeekKey(const std::string& fingerprint, KeyInfo& key)
  {
    const KeyringStamp now = stamp_();
    std::lock_guard<std::mutex> lock(mutex_);
    if (IsValid(now))
    {
      return state_->Find(fingerprint, key);
    }
    if (!Fingerprint::IsValidFingerprint(fingerprint))
    {
      return false;
    }
    auto found = alone_.find(Fingerprint::Normalize(fingerprint));
    if (found == alone_.end())
    {
      return false;
    }
    if (!IsFresh(found->second.stamp, found->second.when, now))
    {
      alone_.erase(found);   // stale for good: the stamp or the clock moved on
      return false;
    }
    key = found->second.key;
    return true;
  }

  std::shared_ptr<const KeyringState> KeyStateCache::Peek()
  {
    const KeyringStamp now = stamp_();
    std::lock_guard<std::mutex> lock(mutex_);
    return IsValid(now) ? state_ : nullptr;
  }

  std::shared_ptr<const KeyringState> KeyStateCache::Get(const Lister& list)
  {
    std::lock_guard<std::mutex> one(listing_);
    // Taken before the listing: a change made while gpg lists makes the
    // next call list again.
    const KeyringStamp before = stamp_();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (IsValid(before))
      {
        return state_;
      }
    }
    std::shared_ptr<const KeyringState> fresh = std::make_shared<const KeyringState>(list());
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = fresh;
    listedAt_ = before;
    listedWhen_ = clock_();
    return fresh;
  }

  void KeyStateCache::Invalidate()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    state_.reset();
    alone_.clear();
  }
}
