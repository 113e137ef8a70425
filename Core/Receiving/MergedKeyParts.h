// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace DicomMail
{
  // Which key parts (#22: the signer's public key, carried by every mail of
  // a transfer) were merged into which GnuPG home lately. Merging the same
  // bytes again brings nothing new, but costs two GPGME operations, each a
  // fork() of the whole Orthanc (#15: about a sixth of the receiver's CPU
  // for a 28-mail study). Shared by every processor of the process; an
  // entry is trusted for kMaxAge, so a key removed from the keyring by hand
  // meanwhile comes back with the next mail after that at the latest.
  class MergedKeyParts
  {
  public:
    static constexpr std::chrono::minutes kMaxAge{10};

    static MergedKeyParts& Shared();

    // Whether "keyPart" was merged for "signer" into "home" within kMaxAge.
    bool WasMerged(const std::string& home, const std::string& signer, const std::string& keyPart);

    // After a successful merge.
    void Remember(const std::string& home, const std::string& signer, const std::string& keyPart);

  private:
    struct Entry
    {
      std::string digest;
      std::chrono::steady_clock::time_point merged;
    };

    // At most this many signers and homes: a partner network's size.
    static const size_t kMaxEntries = 10000;

    std::mutex mutex_;
    std::map<std::string, Entry> entries_;   // home + "\n" + signer
  };
}
