// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/KeyInfoFromGpgme.h"

#include "Core/Crypto/Fingerprint.h"

namespace DicomMail
{
  namespace
  {
    std::string Text(const char* s)
    {
      return s != nullptr ? s : "";
    }

    std::string DescribeAlgorithm(gpgme_subkey_t subkey)
    {
      char* name = gpgme_pubkey_algo_string(subkey);
      if (name == nullptr)
      {
        return Text(gpgme_pubkey_algo_name(subkey->pubkey_algo));
      }
      std::string result(name);
      gpgme_free(name);
      return result;
    }
  }

  KeyValidity ToKeyValidity(gpgme_validity_t validity)
  {
    switch (validity)
    {
      case GPGME_VALIDITY_UNDEFINED: return KeyValidity::Undefined;
      case GPGME_VALIDITY_NEVER:     return KeyValidity::Never;
      case GPGME_VALIDITY_MARGINAL:  return KeyValidity::Marginal;
      case GPGME_VALIDITY_FULL:      return KeyValidity::Full;
      case GPGME_VALIDITY_ULTIMATE:  return KeyValidity::Ultimate;
      default:                       return KeyValidity::Unknown;
    }
  }

  KeyInfo MakeKeyInfo(gpgme_key_t key)
  {
    KeyInfo info;
    if (key->subkeys == nullptr || key->subkeys->fpr == nullptr)
    {
      return info;   // cannot happen for OpenPGP keys; leaves an empty record
    }

    info.fingerprint = Fingerprint::Normalize(key->subkeys->fpr);
    info.created = key->subkeys->timestamp;
    info.expires = key->subkeys->expires;
    info.expired = key->expired;
    info.revoked = key->revoked;
    info.disabled = key->disabled;
    info.invalid = key->invalid;
    info.canEncrypt = key->can_encrypt;
    info.canSign = key->can_sign;
    info.canCertify = key->can_certify;
    info.hasSecret = key->secret;

    bool encryptionNeverExpires = false;
    for (gpgme_subkey_t sub = key->subkeys; sub != nullptr; sub = sub->next)
    {
      info.algorithms.push_back(DescribeAlgorithm(sub));
      if (sub->can_encrypt && !sub->revoked && !sub->expired && !sub->invalid && !sub->disabled)
      {
        if (sub->expires == 0)
        {
          encryptionNeverExpires = true;
        }
        else if (sub->expires > info.encryptionExpires)
        {
          info.encryptionExpires = sub->expires;
        }
      }
    }
    if (encryptionNeverExpires)
    {
      info.encryptionExpires = 0;
    }

    for (gpgme_user_id_t uid = key->uids; uid != nullptr; uid = uid->next)
    {
      UserIdInfo u;
      u.userId = Text(uid->uid);
      u.name = Text(uid->name);
      u.email = Text(uid->email);
      u.validity = ToKeyValidity(uid->validity);
      u.revoked = uid->revoked;
      u.invalid = uid->invalid;

      for (gpgme_key_sig_t sig = uid->signatures; sig != nullptr; sig = sig->next)
      {
        Certification c;
        c.signerKeyId = Text(sig->keyid);
        c.created = sig->timestamp;
        c.isRevocation = sig->revoked;
        c.exportable = sig->exportable;
        c.expired = sig->expired;
        c.invalid = sig->invalid;
        c.verified = gpgme_err_code(sig->status) == GPG_ERR_NO_ERROR;
        c.trustDepth = sig->trust_depth;
        c.trustValue = sig->trust_value;
        c.trustScope = Text(sig->trust_scope);
        u.certifications.push_back(c);
      }

      if (!u.revoked && !u.invalid && u.validity > info.validity)
      {
        info.validity = u.validity;
      }
      info.userIds.push_back(u);
    }

    return info;
  }
}
