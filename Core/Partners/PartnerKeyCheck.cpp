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
    return CheckPartnerKey(found ? &key : nullptr, partner, siteFingerprint);
  }

  PartnerKeyState CheckPartnerKey(const KeyInfo* found, const PartnerSettings& partner,
                                  const std::string& siteFingerprint)
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
    else if (siteFingerprint.empty() || !(key.CertifiedBy(siteFingerprint) || key.validity == KeyValidity::Ultimate))
    {
      state.reason = "the key " + key.fingerprint + " of " + who +
        " is not certified by the site key; compare its fingerprint with the partner and certify it";
    }
    else
    {
      state.usable = true;
    }
    return state;
  }
}
