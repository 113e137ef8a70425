// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Partners/PartnerKeyCheck.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  PartnerKeyState CheckPartnerKey(OpenPgpContext& crypto, const PartnerSettings& partner,
                                  const std::string& siteFingerprint)
  {
    KeyInfo key;
    const bool found = !partner.fingerprint.empty() && crypto.FindKeyState(partner.fingerprint, key);
    PartnerKeyState state = CheckPartnerKey(found ? &key : nullptr, partner, siteFingerprint);
    if (found && !state.usable && key.IsUsable() && key.canEncrypt && !siteFingerprint.empty())
    {
      // Only a key the site did not certify needs the authorities, and so
      // the listing of every key (shared, once per keyring change).
      const std::shared_ptr<const KeyringState> states = crypto.GetKeyStates();
      const KeyInfo* listed = states->Find(partner.fingerprint);
      state = CheckPartnerKey(listed, partner, siteFingerprint, &states->GetAuthorities());
    }
    return state;
  }

  PartnerKeyState CheckPartnerKey(const KeyInfo* found, const PartnerSettings& partner,
                                  const std::string& siteFingerprint,
                                  const std::vector<CertifyingAuthority>* authorities)
  {
    PartnerKeyState state;
    const std::string who = "partner \"" + partner.name + "\"";
    if (partner.fingerprint.empty())
    {
      state.reason = who + " has no key fingerprint configured";
      return state;
    }
    if (found == nullptr)
    {
      state.reason = "the key " + partner.fingerprint + " of " + who + " is not in the keyring; import it first";
      return state;
    }
    const KeyInfo& key = *found;
    if (key.revoked)
    {
      state.reason = "the key " + key.fingerprint + " of " + who + " is revoked";
    }
    else if (key.expired)
    {
      state.reason = "the key " + key.fingerprint + " of " + who + " has expired";
    }
    else if (key.disabled || key.invalid)
    {
      state.reason = "the key " + key.fingerprint + " of " + who + " is disabled or invalid";
    }
    else if (!key.canEncrypt)
    {
      state.reason = "the key " + key.fingerprint + " of " + who + " has no usable encryption subkey";
    }
    else if (!siteFingerprint.empty() && (key.CertifiedBy(siteFingerprint) || key.validity == KeyValidity::Ultimate))
    {
      state.usable = true;
      state.certifiedByFingerprint = siteFingerprint;
      state.certifiedByName = "site key";
    }
    else
    {
      const AuthorityVerdict verdict = (authorities != nullptr && !siteFingerprint.empty()) ?
        JudgeAuthorityCertifications(key, *authorities) : AuthorityVerdict();
      // gpg must agree (it encrypts and verifies): its validity rests on the
      // same trust signature and scope.
      if (verdict.certified && key.validity >= KeyValidity::Full)
      {
        state.usable = true;
        state.certifiedByFingerprint = verdict.fingerprint;
        state.certifiedByName = verdict.name;
        state.certifiedByAuthority = true;
      }
      else if (verdict.certified)
      {
        state.reason = "the key " + key.fingerprint + " of " + who + " is certified by the authority " +
          verdict.name + " (" + verdict.fingerprint + "), but GnuPG does not hold it valid (validity " +
          ToString(key.validity) + ")";
      }
      else if (!verdict.problem.empty())
      {
        state.reason = "the key " + key.fingerprint + " of " + who + " is not certified by the site key, and " +
          verdict.problem;
      }
      else
      {
        state.reason = "the key " + key.fingerprint + " of " + who +
          " is not certified by the site key; compare its fingerprint with the partner and certify it";
      }
    }
    return state;
  }
}
