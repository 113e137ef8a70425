// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Partners/KeyRotationAcceptor.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/KeyPartRule.h"
#include "Core/Partners/KeyRotationRule.h"

namespace DicomMail
{
  KeyRotationAcceptor::KeyRotationAcceptor(PartnerDirectory& partners, KeyRotationStore& rotations,
                                           std::function<std::string()> siteFingerprint, uint64_t overlapSeconds) :
    partners_(partners),
    rotations_(rotations),
    siteFingerprint_(siteFingerprint),
    overlapSeconds_(overlapSeconds)
  {
  }

  std::string KeyRotationAcceptor::Accept(OpenPgpContext& crypto, const std::string& partnerName,
                                          const std::string& signer, const KeyAnnouncement& announcement,
                                          int64_t nowMs)
  {
    PartnerSettings partner;
    if (!partners_.Lookup(partnerName, partner))
    {
      return "partner \"" + partnerName + "\" is not configured";
    }
    if (!Fingerprint::IsValidFingerprint(announcement.newFingerprint))
    {
      return "the announced key is not named by a full fingerprint";
    }
    const std::string fresh = Fingerprint::Normalize(announcement.newFingerprint);
    if (partner.fingerprint == fresh)
    {
      return "";   // announced again: already in use
    }
    const std::string site = siteFingerprint_();
    if (site.empty())
    {
      return "the site has no key to certify the new key with";
    }
    try
    {
      // Only the announced key is taken from the part (no secret material).
      const KeyPartSelection selection = KeyPartRule::Select(announcement.keyPart, fresh);
      if (!selection.problem.empty())
      {
        return "the announcement's key part: " + selection.problem;
      }
      KeyInfo trusted;
      const bool haveTrusted = crypto.FindKeyState(partner.fingerprint, trusted);
      KeyInfo announced;
      bool haveAnnounced = false;
      if (haveTrusted && !selection.signerKey.empty())
      {
        announced = crypto.InspectCandidateKey(selection.signerKey, fresh, partner.fingerprint);
        haveAnnounced = true;
      }
      const RotationVerdict verdict = KeyRotationRule::Judge(partner, signer, haveTrusted ? &trusted : nullptr,
                                                             haveAnnounced ? &announced : nullptr);
      if (!verdict.accepted)
      {
        return verdict.reason;
      }
      crypto.ImportKeys(selection.signerKey, OpenPgpContext::ImportPolicy::PublicOnly, "the announced key");
      crypto.CertifyKey(fresh, site, false);
      KeyRotation rotation;
      rotation.owner = partner.name;
      rotation.oldFingerprint = partner.fingerprint;
      rotation.newFingerprint = fresh;
      rotation.rotatedMs = nowMs;
      rotation.untilMs = nowMs + static_cast<int64_t>(overlapSeconds_) * 1000;
      rotations_.Record(rotation);
      return "";
    }
    catch (const Error& e)
    {
      return std::string("cannot take the announced key: ") + e.what();
    }
  }
}
