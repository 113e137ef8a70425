// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Partners/KeyRotationRule.h"

#include "Core/Crypto/Fingerprint.h"

#include <strings.h>

namespace DicomMail
{
  namespace
  {
    RotationVerdict Refuse(const std::string& reason)
    {
      RotationVerdict verdict;
      verdict.reason = reason;
      return verdict;
    }

    bool IsPartnerAddress(const PartnerSettings& partner, const std::string& email)
    {
      for (const std::string& address : partner.addresses)
      {
        if (!email.empty() && strcasecmp(address.c_str(), email.c_str()) == 0)
        {
          return true;
        }
      }
      return false;
    }

    // A good, unrevoked certification by "certifier" on a user ID of
    // "key" that is one of the partner's addresses.
    bool CertifiesPartnerAddress(const KeyInfo& key, const std::string& certifier, const PartnerSettings& partner)
    {
      for (const UserIdInfo& uid : key.userIds)
      {
        if (uid.revoked || uid.invalid || !IsPartnerAddress(partner, uid.email) ||
            uid.CertificationBy(certifier) != CertificationState::Certified)
        {
          continue;
        }
        for (const Certification& c : uid.certifications)
        {
          if (Fingerprint::Matches(c.signerKeyId, certifier) && !c.isRevocation && c.verified)
          {
            return true;
          }
        }
      }
      return false;
    }

    // The other keys that certified "key" (for the refusal's words).
    std::string OtherCertifiers(const KeyInfo& key)
    {
      std::string others;
      for (const UserIdInfo& uid : key.userIds)
      {
        for (const Certification& c : uid.certifications)
        {
          if (!c.isRevocation && !Fingerprint::Matches(c.signerKeyId, key.fingerprint) &&
              others.find(c.signerKeyId) == std::string::npos)
          {
            others += (others.empty() ? "" : ", ") + c.signerKeyId;
          }
        }
      }
      return others;
    }
  }

  RotationVerdict KeyRotationRule::Judge(const PartnerSettings& partner, const std::string& signer,
                                         const KeyInfo* trusted, const KeyInfo* announced)
  {
    const std::string who = "partner \"" + partner.name + "\"";
    const std::string registered = partner.fingerprint;
    if (registered.empty() || !Fingerprint::Matches(signer, registered))
    {
      return Refuse("the announcement is signed by " + signer + ", not by the key " + registered + " of " + who);
    }
    if (trusted == nullptr)
    {
      return Refuse("the key " + registered + " of " + who + " is not in the keyring");
    }
    if (trusted->revoked)
    {
      return Refuse("the key " + registered + " of " + who + " is revoked: it vouches for no new key");
    }
    if (trusted->expired)
    {
      return Refuse("the key " + registered + " of " + who + " has expired: it vouches for no new key");
    }
    if (announced == nullptr)
    {
      return Refuse("the announcement of " + who + " carries no readable new key");
    }
    const std::string fresh = announced->fingerprint;
    if (Fingerprint::Matches(fresh, registered))
    {
      return Refuse("the announced key of " + who + " is the key it replaces");
    }
    if (!announced->IsUsable() || !announced->canEncrypt || !announced->canSign)
    {
      return Refuse("the new key " + fresh + " of " + who +
                    " is expired, revoked or invalid, or cannot sign and encrypt");
    }
    if (!CertifiesPartnerAddress(*announced, registered, partner))
    {
      const std::string others = OtherCertifiers(*announced);
      return Refuse("the new key " + fresh + " of " + who + " carries no valid certification by its key " +
                    registered + " on one of its addresses" +
                    (others.empty() ? " (it is not certified at all)" : " (certified only by " + others + ")"));
    }
    RotationVerdict verdict;
    verdict.accepted = true;
    return verdict;
  }
}
