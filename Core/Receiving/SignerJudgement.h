// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/VerifyResult.h"
#include "Core/Receiving/ITrustPolicy.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // Whether the signatures of a mail or an acknowledgement come from the
  // key of the partner the From address names (docs/wire-format.md §7).
  struct SignerJudgement
  {
    bool accepted = false;
    bool badSignature = false;          // a signature that does not match the data: tampering, not trust
    std::vector<std::string> reasons;   // why not accepted, the decisive one first
    std::string partner;                // "" for an unknown sender
    std::string expectedFingerprint;    // the partner's key
    std::string signerFingerprint;      // primary fingerprint (or key id) of the signer, "" if unsigned

    static SignerJudgement Judge(const VerifyResult& verification,
                                 const std::string& fromAddress,
                                 ITrustPolicy& trust);
  };
}
