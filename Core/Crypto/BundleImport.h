// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  // What became of one key of a bundle (a network's keyring, #25).
  struct BundleKeyOutcome
  {
    enum class Status
    {
      New,         // not in the keyring before
      Updated,     // known, and the bundle added user IDs, signatures or subkeys
      Unchanged,   // known as it is
      Duplicate,   // the same key came earlier in the bundle
      Refused      // not imported: "reason" says why
    };

    std::string fingerprint;   // "" when it could not be read
    std::string userId;        // the first user ID of the bundle's copy
    Status status = Status::Refused;
    std::string reason;
  };

  const char* ToString(BundleKeyOutcome::Status status);

  struct BundleImportResult
  {
    std::vector<BundleKeyOutcome> keys;   // in the order of the bundle
  };
}
