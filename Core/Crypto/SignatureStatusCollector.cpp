// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/SignatureStatusCollector.h"

#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgStatusFields.h"
#include "Core/Crypto/GpgmeError.h"

#include <cstdlib>

namespace DicomMail
{
  namespace
  {
    gpgme_error_t GpgError(gpg_err_code_t code)
    {
      return code == GPG_ERR_NO_ERROR ? 0 : gpgme_err_make(GPG_ERR_SOURCE_GPG, code);
    }

    std::string NormalizedIfFingerprint(const std::string& text)
    {
      return Fingerprint::IsValidFingerprint(text) ? Fingerprint::Normalize(text) : text;
    }
  }

  SignatureStatusCollector::Reported& SignatureStatusCollector::ForVerdict()
  {
    if (signatures_.empty() || signatures_.back().hasVerdict)
    {
      signatures_.emplace_back();
    }
    signatures_.back().hasVerdict = true;
    return signatures_.back();
  }

  bool SignatureStatusCollector::Handle(const std::string& keyword, const std::string& arguments)
  {
    const std::vector<std::string> fields = GpgStatusFields::Split(arguments);
    gpg_err_code_t verdict = GPG_ERR_NO_ERROR;

    if (keyword == "NEWSIG")
    {
      signatures_.emplace_back();
      return true;
    }
    if (keyword == "GOODSIG" || keyword == "EXPSIG" || keyword == "EXPKEYSIG" || keyword == "REVKEYSIG" ||
        keyword == "BADSIG")   // <long keyid or fpr> <user id>
    {
      if (keyword == "EXPSIG")
      {
        verdict = GPG_ERR_SIG_EXPIRED;
      }
      else if (keyword == "EXPKEYSIG")
      {
        verdict = GPG_ERR_KEY_EXPIRED;
      }
      else if (keyword == "REVKEYSIG")
      {
        verdict = GPG_ERR_CERT_REVOKED;
      }
      else if (keyword == "BADSIG")
      {
        verdict = GPG_ERR_BAD_SIGNATURE;
      }
      Reported& s = ForVerdict();
      s.status = GpgError(verdict);
      s.check.fingerprint = NormalizedIfFingerprint(GpgStatusFields::Field(fields, 0));
      return true;
    }
    if (keyword == "ERRSIG")   // <keyid> <pkalgo> <hashalgo> <class> <time> <rc> [<fpr>]
    {
      const int rc = atoi(GpgStatusFields::Field(fields, 5).c_str());
      Reported& s = ForVerdict();
      s.status = GpgError(rc == 9 ? GPG_ERR_NO_PUBKEY : rc == 4 ? GPG_ERR_UNSUPPORTED_ALGORITHM : GPG_ERR_GENERAL);
      const std::string fpr = GpgStatusFields::Field(fields, 6);
      s.check.fingerprint = NormalizedIfFingerprint(Fingerprint::IsValidFingerprint(fpr) ? fpr :
                                                    GpgStatusFields::Field(fields, 0));
      s.check.hashAlgorithm = GpgStatusFields::HashAlgorithmName(atoi(GpgStatusFields::Field(fields, 2).c_str()));
      s.check.created = atol(GpgStatusFields::Field(fields, 4).c_str());
      return true;
    }
    if (signatures_.empty())
    {
      return false;
    }
    Reported& last = signatures_.back();
    if (keyword == "VALIDSIG")   // <fpr> <date> <time> <expire> <ver> <0> <pkalgo> <hashalgo> <class> [<primary fpr>]
    {
      last.check.fingerprint = NormalizedIfFingerprint(GpgStatusFields::Field(fields, 0));
      last.check.created = atol(GpgStatusFields::Field(fields, 2).c_str());
      last.check.hashAlgorithm = GpgStatusFields::HashAlgorithmName(atoi(GpgStatusFields::Field(fields, 7).c_str()));
      const std::string primary = GpgStatusFields::Field(fields, 9);
      if (Fingerprint::IsValidFingerprint(primary))
      {
        last.check.keyFingerprint = Fingerprint::Normalize(primary);
      }
      return true;
    }
    if (keyword == "TRUST_UNDEFINED")
    {
      last.validity = GPGME_VALIDITY_UNKNOWN;
    }
    else if (keyword == "TRUST_NEVER")
    {
      last.validity = GPGME_VALIDITY_NEVER;
    }
    else if (keyword == "TRUST_MARGINAL")
    {
      last.validity = GPGME_VALIDITY_MARGINAL;
    }
    else if (keyword == "TRUST_FULLY")
    {
      last.validity = GPGME_VALIDITY_FULL;
    }
    else if (keyword == "TRUST_ULTIMATE")
    {
      last.validity = GPGME_VALIDITY_ULTIMATE;
    }
    else
    {
      return false;
    }
    return true;
  }

  unsigned int SignatureStatusCollector::Summarize(const Reported& signature)
  {
    const gpg_err_code_t status = gpgme_err_code(signature.status);
    const bool goodOrExpired = status == GPG_ERR_NO_ERROR || status == GPG_ERR_SIG_EXPIRED ||
      status == GPG_ERR_KEY_EXPIRED;
    unsigned int summary = 0;

    // Green only for a key the site vouches for; red for a key it distrusts
    // or a signature that does not match.
    if (signature.validity == GPGME_VALIDITY_FULL || signature.validity == GPGME_VALIDITY_ULTIMATE)
    {
      summary |= goodOrExpired ? GPGME_SIGSUM_GREEN : 0;
    }
    else if (signature.validity == GPGME_VALIDITY_NEVER)
    {
      summary |= goodOrExpired ? GPGME_SIGSUM_RED : 0;
    }
    else if (status == GPG_ERR_BAD_SIGNATURE)
    {
      summary |= GPGME_SIGSUM_RED;
    }

    switch (status)
    {
      case GPG_ERR_SIG_EXPIRED:
        summary |= GPGME_SIGSUM_SIG_EXPIRED;
        break;
      case GPG_ERR_KEY_EXPIRED:
        summary |= GPGME_SIGSUM_KEY_EXPIRED;
        break;
      case GPG_ERR_NO_PUBKEY:
        summary |= GPGME_SIGSUM_KEY_MISSING;
        break;
      case GPG_ERR_CERT_REVOKED:
        summary |= GPGME_SIGSUM_KEY_REVOKED;
        break;
      case GPG_ERR_BAD_SIGNATURE:
      case GPG_ERR_NO_ERROR:
        break;
      default:
        summary |= GPGME_SIGSUM_SYS_ERROR;
        break;
    }

    // Valid only when nothing but "green" is said about it.
    if (summary == GPGME_SIGSUM_GREEN)
    {
      summary |= GPGME_SIGSUM_VALID;
    }
    return summary;
  }

  std::vector<SignatureCheck> SignatureStatusCollector::GetSignatures() const
  {
    std::vector<SignatureCheck> checks;
    for (const Reported& s : signatures_)
    {
      if (!s.hasVerdict)
      {
        continue;   // NEWSIG without a verdict: gpg gave up on it, and said so elsewhere
      }
      SignatureCheck c = s.check;
      c.summary = Summarize(s);
      c.statusText = DescribeGpgmeError(s.status);
      c.valid = (c.summary & GPGME_SIGSUM_VALID) != 0;
      const gpg_err_code_t status = gpgme_err_code(s.status);
      c.keyExpired = status == GPG_ERR_KEY_EXPIRED;
      c.keyRevoked = status == GPG_ERR_CERT_REVOKED;
      // EXPKEYSIG, REVKEYSIG and EXPSIG come only for a signature that
      // matches the data: the key's or the signature's lifetime is over,
      // nobody tampered with the mail. Never valid, so never accepted.
      c.good = status == GPG_ERR_NO_ERROR || status == GPG_ERR_KEY_EXPIRED ||
        status == GPG_ERR_CERT_REVOKED || status == GPG_ERR_SIG_EXPIRED;
      c.keyMissing = status == GPG_ERR_NO_PUBKEY;
      checks.push_back(c);
    }
    return checks;
  }
}
