// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // Replacing the site key without a gap (#22): the new key is certified by
  // the old one and announced to every partner in a mail signed by the old
  // key; only then do we sign with the new one. The old secret key keeps
  // decrypting mail in flight for SiteKey.PreviousKeyDays, then is retired.
  namespace SiteKeyRotation
  {
    struct Outcome
    {
      std::string previousFingerprint;
      std::string fingerprint;
      int64_t previousUntilMs = 0;
      std::vector<std::string> announced;                              // partner names
      std::vector<std::pair<std::string, std::string> > notAnnounced;   // partner, why
      std::vector<std::string> problems;   // certifications the new key could not take over
    };

    // One rotation at a time; Error(NotFound) without a site key.
    Outcome Rotate();

    // Deletes the secret part of each previous site key whose overlap
    // ended; never throws (logs).
    void RetireDue();
  }
}
