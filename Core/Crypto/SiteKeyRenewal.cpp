// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/SiteKeyRenewal.h"

namespace DicomMail
{
  namespace
  {
    const int64_t kDay = 86400;
  }

  bool SiteKeyRenewal::IsDue(const KeyInfo& key, int64_t now, unsigned int renewAheadDays)
  {
    const int64_t until = key.UsableUntil();
    // An expired key is renewed too: gpg can still move its date, and the
    // partners take the renewal like any other.
    return until != 0 && !key.revoked && key.hasSecret &&
      until <= now + static_cast<int64_t>(renewAheadDays) * kDay;
  }

  uint64_t SiteKeyRenewal::NewLifetime(unsigned int validityDays)
  {
    return static_cast<uint64_t>(validityDays) * static_cast<uint64_t>(kDay);
  }
}
