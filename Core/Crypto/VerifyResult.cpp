// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/VerifyResult.h"

#include "Core/Crypto/Fingerprint.h"

#include <gpgme.h>

namespace DicomMail
{
  std::string SignatureCheck::DescribeSummary() const
  {
    static const struct
    {
      unsigned int flag;
      const char* name;
    } names[] =
    {
      { GPGME_SIGSUM_VALID, "valid" },
      { GPGME_SIGSUM_GREEN, "green" },
      { GPGME_SIGSUM_RED, "red" },
      { GPGME_SIGSUM_KEY_REVOKED, "key-revoked" },
      { GPGME_SIGSUM_KEY_EXPIRED, "key-expired" },
      { GPGME_SIGSUM_SIG_EXPIRED, "sig-expired" },
      { GPGME_SIGSUM_KEY_MISSING, "key-missing" },
      { GPGME_SIGSUM_CRL_MISSING, "crl-missing" },
      { GPGME_SIGSUM_CRL_TOO_OLD, "crl-too-old" },
      { GPGME_SIGSUM_BAD_POLICY, "bad-policy" },
      { GPGME_SIGSUM_SYS_ERROR, "sys-error" },
      { GPGME_SIGSUM_TOFU_CONFLICT, "tofu-conflict" }
    };

    std::string result;
    for (const auto& n : names)
    {
      if (summary & n.flag)
      {
        result += (result.empty() ? "" : " ") + std::string(n.name);
      }
    }
    return result.empty() ? "none" : result;
  }

  bool VerifyResult::HasValidSignatureBy(const std::string& fingerprint) const
  {
    for (const SignatureCheck& s : signatures)
    {
      if (s.valid &&
          (Fingerprint::Matches(s.fingerprint, fingerprint) ||
           Fingerprint::Matches(s.keyFingerprint, fingerprint)))
      {
        return true;
      }
    }
    return false;
  }
}
