// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/SignerJudgement.h"

#include "Core/Crypto/Fingerprint.h"

#include <ctime>
#include <gpgme.h>

namespace DicomMail
{
  namespace
  {
    std::string SignerOf(const SignatureCheck& s)
    {
      return s.keyFingerprint.empty() ? s.fingerprint : s.keyFingerprint;
    }

    bool IsBy(const SignatureCheck& s, const std::string& fingerprint)
    {
      return Fingerprint::Matches(s.fingerprint, fingerprint) || Fingerprint::Matches(s.keyFingerprint, fingerprint);
    }

    std::string Sender(const std::string& fromAddress)
    {
      return fromAddress.empty() ? "(no From address)" : fromAddress;
    }

    std::string UtcDate(long time)
    {
      const time_t t = static_cast<time_t>(time);
      struct tm parts;
      char text[16];
      if (time <= 0 || gmtime_r(&t, &parts) == nullptr || strftime(text, sizeof(text), "%Y-%m-%d", &parts) == 0)
      {
        return "an unknown date";
      }
      return text;
    }

    // Why a good signature by the expected key is not valid. Revoked before
    // expired: a revoked key stays revoked whatever a renewal says.
    std::string NotValidReason(const SignatureCheck& s)
    {
      const std::string key = SignerOf(s);
      if (s.keyRevoked)
      {
        return "key revoked (key " + key + ")";
      }
      if (s.keyExpired)
      {
        // Also for a signature made before the expiry: gpg cannot tell a
        // genuine old signature from one made with a stolen, expired key.
        return "key expired on " + UtcDate(s.keyExpiry) + " (key " + key + ")";
      }
      if (s.summary & GPGME_SIGSUM_SIG_EXPIRED)
      {
        return "the signature by key " + key + " has expired";
      }
      return "key " + key + " not certified";
    }
  }

  SignerJudgement SignerJudgement::Judge(const VerifyResult& verification,
                                         const std::string& fromAddress,
                                         ITrustPolicy& trust)
  {
    SignerJudgement result;
    std::string partner, expected;
    const bool known = !fromAddress.empty() && trust.ExpectedSigner(fromAddress, partner, expected);
    if (known)
    {
      result.partner = partner;
      result.expectedFingerprint = Fingerprint::IsValidFingerprint(expected) ?
        Fingerprint::Normalize(expected) : expected;
    }

    const std::vector<SignatureCheck>& signatures = verification.signatures;
    if (signatures.empty())
    {
      result.reasons.push_back("unsigned");
      if (!known)
      {
        result.reasons.push_back("unknown sender " + Sender(fromAddress));
      }
      return result;
    }

    const SignatureCheck* good = nullptr;
    for (const SignatureCheck& s : signatures)
    {
      if (s.good && good == nullptr)
      {
        good = &s;
      }
    }
    result.signerFingerprint = SignerOf(good != nullptr ? *good : signatures.front());

    if (good == nullptr)
    {
      const SignatureCheck& s = signatures.front();
      if (s.keyMissing)
      {
        result.reasons.push_back("signed by unknown key " + s.fingerprint);
      }
      else
      {
        result.badSignature = true;
        result.reasons.push_back("bad signature by key " + SignerOf(s) + " (" + s.statusText + ")");
      }
      if (!known)
      {
        result.reasons.push_back("unknown sender " + Sender(fromAddress));
      }
      return result;
    }

    if (!known)
    {
      result.reasons.push_back("unknown sender " + Sender(fromAddress));
      if (!good->valid)
      {
        result.reasons.push_back(NotValidReason(*good));
      }
      return result;
    }

    // During the overlap after the partner's key rotation, its previous
    // key's signatures count as well (mail already on its way).
    const std::string previous = trust.PreviousSigner(partner);
    for (const SignatureCheck& s : signatures)
    {
      if (IsBy(s, result.expectedFingerprint) || (!previous.empty() && IsBy(s, previous)))
      {
        if (s.valid)
        {
          result.accepted = true;
          result.signerFingerprint = SignerOf(s);
          return result;
        }
        if (s.good)
        {
          result.signerFingerprint = SignerOf(s);
          result.reasons.push_back(NotValidReason(s));
          return result;
        }
        result.badSignature = true;
        result.reasons.push_back("bad signature by key " + SignerOf(s) + " (" + s.statusText + ")");
        return result;
      }
    }

    result.reasons.push_back("signed by " + result.signerFingerprint + " but the sender " + fromAddress +
                             " is partner " + partner + " whose key is " + result.expectedFingerprint);
    return result;
  }
}
