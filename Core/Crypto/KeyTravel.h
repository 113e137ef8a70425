// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/OpenPgpContext.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // Keys that travel by themselves (#22, docs/wire-format.md §3 and §5):
  // our current public key rides in an application/pgp-keys part inside
  // the signed entity of every transfer mail and acknowledgement, and the
  // partner's arriving the same way is merged once its signature is
  // verified, so a renewed expiry, a new subkey or a revocation reaches
  // the other side without an admin.
  namespace KeyTravel
  {
    const char* const kContentType = "application/pgp-keys";
    const char* const kPartName = "public-key.asc";

    // Our public key as it travels: armored, with its self-signatures,
    // subkeys and exportable certifications (a new site key carries the
    // certification by the one it replaced). "" when it cannot be exported:
    // a mail is never held back for its key part.
    std::string ExportOwnKey(OpenPgpContext& crypto, const std::string& fingerprint);

    struct MergeOutcome
    {
      bool merged = false;                            // the signer's key was given to gpg
      bool changed = false;                           // and gpg found something new in it
      std::vector<std::string> refusedFingerprints;   // other primary keys: never imported this way
      std::string problem;                            // why nothing was merged, "" otherwise

      // One line for the log: fingerprints only, never patient data; ""
      // when there is nothing to tell (the key as we had it, which is what
      // every mail of a transfer brings: not a warning per mail).
      std::string Describe() const;
    };

    // Merges the key of "keyPart" whose primary fingerprint is the
    // verified "signerFingerprint" (KeyPartRule); never throws for what
    // the part holds, only reports.
    MergeOutcome Merge(OpenPgpContext& crypto, const std::string& keyPart, const std::string& signerFingerprint);
  }
}
