// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Crypto/CertifyingAuthorities.h"
#include "Core/Crypto/KeyStateCache.h"
#include "Core/Crypto/OpenPgpContext.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // Whether a partner's key may be used now, and if not, why: the same
  // words for the send route's 4xx, the Explorer's disabled entries and the
  // receiver's quarantine reasons.
  struct PartnerKeyState
  {
    bool usable = false;
    std::string reason;     // empty when usable
    // Who vouches for the key when usable: the site key (a local
    // certification after the fingerprint check) or a certifying authority.
    std::string certifiedByFingerprint;
    std::string certifiedByName;
    bool certifiedByAuthority = false;
  };

  // "key" is the partner's key as the keyring holds it, nullptr if absent;
  // "authorities" those of the same listing (nullptr: none considered).
  PartnerKeyState CheckPartnerKey(const KeyInfo* key, const PartnerSettings& partner,
                                  const std::string& siteFingerprint,
                                  const std::vector<CertifyingAuthority>* authorities = nullptr);

  // The same, the key found through "crypto" (the home's shared key states
  // while valid: no gpg per partner).
  PartnerKeyState CheckPartnerKey(OpenPgpContext& crypto, const PartnerSettings& partner,
                                  const std::string& siteFingerprint);
}
