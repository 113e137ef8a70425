// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/KeyringStamp.h"

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace DicomMail
{
  // Our own public key as last exported, per GnuPG home and fingerprint.
  // It rides in every transfer mail and acknowledgement (#22), and each
  // export is a GPGME operation, i.e. a fork() of the whole Orthanc: one
  // per MDN was most of the receiver's remaining forks (#15). The export
  // changes only with the keyring (renewal, new subkey, revocation,
  // certification), so an entry is used while the KeyringStamp taken before
  // the export still holds (never after a racy stamp) and for at most
  // kMaxAge. Shared by every context of the process.
  class OwnKeyExports
  {
  public:
    static constexpr std::chrono::minutes kMaxAge{10};

    static OwnKeyExports& Shared();

    // The remembered export of "fingerprint" in "home", else what
    // "exporter" returns, remembered unless it is "" or the keyring was
    // changing. Errors of "exporter" propagate.
    std::string Get(const std::string& home, const std::string& fingerprint,
                    const std::function<std::string()>& exporter);

  private:
    struct Entry
    {
      KeyringStamp stamp;
      std::string exported;
      std::chrono::steady_clock::time_point stored;
    };

    // A bound, not a policy: a site has one or two keys of its own.
    static const size_t kMaxEntries = 100;

    std::mutex mutex_;
    std::map<std::string, Entry> entries_;   // home + "\n" + fingerprint
  };
}
