// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Identity, size and change times of the files a key listing reads
  // (pubring.kbx, trustdb.gpg, private-keys-v1.d): any import,
  // certification, deletion or trust change rewrites one of them. Two equal
  // stamps mean an unchanged keyring, except within one tick of the kernel's
  // file clock (a few ms): trustdb.gpg is rewritten in place, so two changes
  // in one tick can leave size and times as they were. A stamp taken that
  // soon after a change is "racy" and must not vouch for a listing.
  class KeyringStamp
  {
  public:
    // Files changed less than this long before the stamp was taken make it
    // racy: a hundred times the coarsest kernel tick (10 ms).
    static const int64_t kRacyNanoseconds = 1000000000;

    KeyringStamp() = default;

    static KeyringStamp Take(const std::string& gnupgHome);

    // From explicit file times: for tests of the racy rule.
    static KeyringStamp FromParts(const std::string& identity, int64_t newestChange, int64_t taken);

    bool IsRacy() const
    {
      return identity_.empty() || taken_ - newestChange_ < kRacyNanoseconds;
    }

    bool operator==(const KeyringStamp& other) const
    {
      return identity_ == other.identity_;
    }

    bool operator!=(const KeyringStamp& other) const
    {
      return !(*this == other);
    }

  private:
    std::string identity_;
    int64_t newestChange_ = 0;   // ns since the epoch, file clock
    int64_t taken_ = 0;          // ns since the epoch, wall clock
  };
}
