// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Crypto/KeyInfo.h"

#include <string>

namespace DicomMail
{
  struct RotationVerdict
  {
    bool accepted = false;
    std::string reason;   // why not, naming fingerprints only; "" when accepted
  };

  // When a partner's new primary key may replace the one the site trusts
  // (#22): only when the trusted key itself vouches for it. The
  // announcement must be signed by the partner's registered key (checked
  // before, SignerJudgement), and the new key must carry a certification
  // by that key, checked good by gpg and not revoked, on a user ID with
  // one of the partner's addresses; the trusted key must still be
  // unexpired and unrevoked, and the new key usable for mail. Everything
  // else needs the fingerprint check by phone.
  namespace KeyRotationRule
  {
    // "trusted": the partner's registered key as the site's keyring holds
    // it; "announced": the new key as a keyring holding both keys lists it
    // (with checked certifications); nullptr for a key that is absent.
    // "signer": the verified signer of the announcement.
    RotationVerdict Judge(const PartnerSettings& partner, const std::string& signer,
                          const KeyInfo* trusted, const KeyInfo* announced);
  }
}
