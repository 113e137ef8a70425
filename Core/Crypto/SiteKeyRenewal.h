// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/KeyInfo.h"

#include <cstdint>

namespace DicomMail
{
  // When the site key's expiry is moved out (#22, SiteKey.RenewAheadDays):
  // early enough that the renewed key reaches every partner inside ordinary
  // mail (KeyTravel) long before the old date, and before the expiry
  // warning (KeyExpiryWarningDays) would have to be shown.
  namespace SiteKeyRenewal
  {
    // True when "key" (ours) expires, or its encryption subkey does, within
    // "renewAheadDays" of "now", and a renewal can help: not revoked, and
    // with a secret part to sign the new expiry.
    bool IsDue(const KeyInfo& key, int64_t now, unsigned int renewAheadDays);

    // Seconds from now to the new expiry: "validityDays" days.
    uint64_t NewLifetime(unsigned int validityDays);
  }
}
