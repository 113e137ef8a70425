// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/KeyInfo.h"

#include "Core/Crypto/Fingerprint.h"

#include <algorithm>

namespace DicomMail
{
  const char* ToString(KeyValidity validity)
  {
    switch (validity)
    {
      case KeyValidity::Unknown:   return "unknown";
      case KeyValidity::Undefined: return "undefined";
      case KeyValidity::Never:     return "never";
      case KeyValidity::Marginal:  return "marginal";
      case KeyValidity::Full:      return "full";
      case KeyValidity::Ultimate:  return "ultimate";
    }
    return "unknown";
  }

  bool KeyInfo::CertifiedBy(const std::string& signerFingerprint) const
  {
    if (!Fingerprint::IsValidFingerprint(signerFingerprint) ||
        Fingerprint::Matches(signerFingerprint, fingerprint))
    {
      return false;
    }

    for (const UserIdInfo& uid : userIds)
    {
      if (!uid.revoked && !uid.invalid && uid.CertificationBy(signerFingerprint) == CertificationState::Certified)
      {
        return true;
      }
    }
    return false;
  }

  CertificationState UserIdInfo::CertificationBy(const std::string& signerFingerprint) const
  {
    int64_t certified = -1;
    int64_t revokedAt = -1;
    for (const Certification& c : certifications)
    {
      if (!Fingerprint::Matches(c.signerKeyId, signerFingerprint) || c.invalid)
      {
        continue;
      }
      if (c.isRevocation)
      {
        revokedAt = std::max(revokedAt, c.created);
      }
      else if (!c.expired)
      {
        certified = std::max(certified, c.created);
      }
    }
    if (certified >= 0 && certified > revokedAt)
    {
      return CertificationState::Certified;
    }
    return revokedAt >= 0 ? CertificationState::Revoked : CertificationState::None;
  }

  int64_t KeyInfo::UsableUntil() const
  {
    if (expires == 0)
    {
      return encryptionExpires;
    }
    return encryptionExpires == 0 ? expires : std::min(expires, encryptionExpires);
  }
}
