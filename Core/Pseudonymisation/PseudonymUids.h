// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // New UIDs for a pseudonymised copy (#19): "2.25." and 128 bits of
  // SHA-256 over a secret and the original UID, so every instance of a
  // study gets the same new study, series and frame-of-reference UIDs
  // whichever mail carries it, the same study sent again gets the same
  // ones, and without the secret (kept at the sender, per partner and
  // patient) nobody can tell the originals.
  namespace PseudonymUids
  {
    std::string Derive(const std::string& secret, const std::string& originalUid);

    // 32 random bytes as hex, for a new pseudonym's secret.
    std::string NewSecret();

    // "DM-" and 12 random upper-case hex digits: a patient's pseudonym.
    std::string NewPseudonym();
  }
}
