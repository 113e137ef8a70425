// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace DicomMail
{
  // Which key of an application/pgp-keys part that travelled inside a
  // verified mail or acknowledgement may be merged into the keyring (#22):
  // only the one whose primary fingerprint is the verified signer's. The
  // signature proves that the signer sent the part, not who else's key it
  // holds: a different primary key is never taken this way (that needs
  // the fingerprint check by phone). Pure packet reading, no gpg.
  struct KeyPartSelection
  {
    std::string signerKey;                          // binary packets of the signer's key, "" if absent
    std::vector<std::string> refusedFingerprints;   // other primary keys of the part
    std::string problem;                            // why nothing is taken at all, "" otherwise
  };

  namespace KeyPartRule
  {
    // A key with a few subkeys and self-signatures is 1 to 5 kB; anything
    // far larger is not a key we want to merge from a mail.
    const size_t kMaxBytes = 64 * 1024;

    // "signerFingerprint": the verified signer's primary fingerprint.
    KeyPartSelection Select(const std::string& keyPart, const std::string& signerFingerprint);
  }
}
