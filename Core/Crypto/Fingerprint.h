// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // OpenPGP v4 fingerprints: 40 hexadecimal digits. Input may be in either
  // case and grouped with spaces ("ABCD EF01 ..."); the normal form is 40
  // upper-case digits, the form used everywhere inside the plugin.
  namespace Fingerprint
  {
    bool IsValidFingerprint(const std::string& text);

    // Throws Error(BadInput) naming the text when it is not a fingerprint.
    std::string Normalize(const std::string& text);

    // "ABCD EF01 2345 ..." for display; throws like Normalize.
    std::string GroupInFours(const std::string& text);

    // The last 16 digits: the long key ID GnuPG prints in signatures.
    std::string ToKeyId(const std::string& text);

    // Case-insensitive comparison of a fingerprint or key ID with a
    // fingerprint; "false" when either is malformed.
    bool Matches(const std::string& fingerprintOrKeyId, const std::string& fingerprint);
  }
}
