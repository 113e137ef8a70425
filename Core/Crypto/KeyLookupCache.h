// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/GpgmeKey.h"
#include "Core/Crypto/KeyringStamp.h"

#include <chrono>
#include <functional>
#include <map>
#include <string>

namespace DicomMail
{
  // Remembers key listings of one OpenPgpContext. Every listing starts a gpg
  // process, and GPGME starts it with fork(): in an Orthanc that holds
  // hundreds of MB that costs more than encrypting a 5 MB mail. A transfer
  // uses the same two or three keys for every mail, so they are listed once.
  //
  // An entry is used only while the keyring files are unchanged (see
  // KeyringStamp; a listing made right after a change is not kept) and for
  // at most kMaxAge, so expiry and revocation are seen within a minute. Only
  // keys found are kept: the cache never answers "absent".
  class KeyLookupCache
  {
  public:
    static constexpr std::chrono::seconds kMaxAge{60};

    explicit KeyLookupCache(const std::string& gnupgHome);

    // With the keyring's stamp from "stamp": for tests of the stamp rules.
    explicit KeyLookupCache(std::function<KeyringStamp()> stamp);

    // True and "key" set if a fresh entry exists for "lookup".
    bool Find(const std::string& lookup, GpgmeKey& key);

    void Store(const std::string& lookup, const GpgmeKey& key);

    void Clear();

  private:
    struct Entry
    {
      GpgmeKey key;
      std::chrono::steady_clock::time_point stored;
    };

    std::function<KeyringStamp()> takeStamp_;
    KeyringStamp stamp_;   // the keyring the entries were listed from
    std::map<std::string, Entry> entries_;
  };
}
