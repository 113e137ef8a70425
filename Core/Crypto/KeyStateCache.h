// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/CertifyingAuthorities.h"
#include "Core/Crypto/KeyInfo.h"
#include "Core/Crypto/KeyringStamp.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace DicomMail
{
  // Every key of a GnuPG home with its state (usable, expired, revoked,
  // certified by whom), as one listing found it.
  class KeyringState
  {
  public:
    explicit KeyringState(std::vector<KeyInfo> keys);

    const std::vector<KeyInfo>& GetKeys() const
    {
      return keys_;
    }

    // The key with this primary fingerprint (any case), or nullptr.
    const KeyInfo* Find(const std::string& fingerprint) const;

    // The same, copied into "key"; false if absent.
    bool Find(const std::string& fingerprint, KeyInfo& key) const;

    // The certifying authorities among the keys, found with the listing.
    const std::vector<CertifyingAuthority>& GetAuthorities() const
    {
      return authorities_;
    }

  private:
    std::vector<KeyInfo> keys_;
    std::vector<CertifyingAuthority> authorities_;
    std::map<std::string, size_t> index_;
  };

  // The states of all keys of one home, shared by every OpenPGP context on
  // it: listed once (one gpg) per change of the keyring files, not once per
  // key per request (#25: a partner list of 300 partners forked gpg 600
  // times). A change made elsewhere (another process, the gpg command) is
  // seen at the next call through the KeyringStamp; a listing is reused for
  // at most kMaxAge, so expiry is seen within a minute. Thread-safe;
  // concurrent callers after a change wait for one listing.
  class KeyStateCache
  {
  public:
    static constexpr std::chrono::seconds kMaxAge{60};

    using Lister = std::function<std::vector<KeyInfo>()>;
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    explicit KeyStateCache(const std::string& gnupgHome);

    // For tests: the stamp and the time from elsewhere.
    KeyStateCache(std::function<KeyringStamp()> stamp, Clock clock);

    // The current states, from "list" when none is valid any more.
    std::shared_ptr<const KeyringState> Get(const Lister& list);

    // The current states if still valid, else nullptr; never lists.
    std::shared_ptr<const KeyringState> Peek();

    // A key listed alone (OpenPgpContext::FindKeyState), shared under the
    // same rules as a whole listing: the send route's check of the partner
    // key serves the job's check of the same key a moment later (#15).
    // "before" is the stamp taken before the key was listed.
    KeyringStamp Stamp() const;
    void Remember(const KeyInfo& key, const KeyringStamp& before);

    // The key's state from a valid whole listing or a valid key listed
    // alone; false if neither knows it. Never lists.
    bool PeekKey(const std::string& fingerprint, KeyInfo& key);

    // Our own change of the keyring: the next Get lists again.
    void Invalidate();

  private:
    struct Listed
    {
      KeyInfo key;
      KeyringStamp stamp;
      std::chrono::steady_clock::time_point when;
    };

    bool IsFresh(const KeyringStamp& listedAt, std::chrono::steady_clock::time_point listedWhen,
                 const KeyringStamp& now) const;
    bool IsValid(const KeyringStamp& now) const;

    std::function<KeyringStamp()> stamp_;
    Clock clock_;
    std::mutex listing_;   // one listing at a time; held while gpg lists
    std::mutex mutex_;     // guards the members below
    std::shared_ptr<const KeyringState> state_;
    KeyringStamp listedAt_;
    std::chrono::steady_clock::time_point listedWhen_;
    std::map<std::string, Listed> alone_;   // by fingerprint
  };
}
