// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/SignEncryptStatus.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/GpgStatusFields.h"
#include "Core/Crypto/GpgmeError.h"

#include <cstdlib>

namespace DicomMail
{
  namespace
  {
    // The reason codes of INV_RECP / INV_SGNR (GnuPG's doc/DETAILS) as
    // libgpg-error codes, whose texts people know from other gpg tools.
    gpgme_error_t InvalidKeyReason(int reason)
    {
      gpg_err_code_t code;
      switch (reason)
      {
        case 1:  code = GPG_ERR_NO_PUBKEY; break;
        case 2:  code = GPG_ERR_AMBIGUOUS_NAME; break;
        case 3:  code = GPG_ERR_WRONG_KEY_USAGE; break;
        case 4:  code = GPG_ERR_CERT_REVOKED; break;
        case 5:  code = GPG_ERR_CERT_EXPIRED; break;
        case 6:  code = GPG_ERR_NO_CRL_KNOWN; break;
        case 7:  code = GPG_ERR_CRL_TOO_OLD; break;
        case 8:  code = GPG_ERR_NO_POLICY_MATCH; break;
        case 9:  code = GPG_ERR_NO_SECKEY; break;
        case 10: code = GPG_ERR_PUBKEY_NOT_TRUSTED; break;
        case 11: code = GPG_ERR_MISSING_CERT; break;
        case 12: code = GPG_ERR_MISSING_ISSUER_CERT; break;
        case 13: code = GPG_ERR_KEY_DISABLED; break;
        case 14: code = GPG_ERR_INV_USER_ID; break;
        default: code = GPG_ERR_GENERAL; break;
      }
      return gpgme_err_make(GPG_ERR_SOURCE_GPG, code);
    }
  }

  SignEncryptStatus::SignEncryptStatus(GpgProcess& process, const LoopbackPassphrase::Answer& passphrase,
                                       const std::string& what, bool encrypting) :
    process_(process),
    what_(what),
    encrypting_(encrypting),
    passphrase_(process, passphrase, what)
  {
  }

  SignEncryptStatus::InvalidKey SignEncryptStatus::ParseInvalidKey(const std::string& arguments)
  {
    const std::vector<std::string> fields = GpgStatusFields::Split(arguments);
    InvalidKey key;
    key.reason = atoi(GpgStatusFields::Field(fields, 0).c_str());
    key.name = GpgStatusFields::Field(fields, 1);
    if (Fingerprint::IsValidFingerprint(key.name))
    {
      key.name = Fingerprint::GroupInFours(key.name);
    }
    return key;
  }

  void SignEncryptStatus::Handle(const std::string& keyword, const std::string& arguments)
  {
    if (passphrase_.Handle(keyword, arguments))
    {
      return;
    }
    const std::vector<std::string> fields = GpgStatusFields::Split(arguments);
    if (keyword == "BEGIN_ENCRYPTION")   // <mdc_method> <sym_algo>
    {
      details_.cipherAlgorithm = GpgStatusFields::SymmetricAlgorithmName(
        atoi(GpgStatusFields::Field(fields, 1).c_str()));
    }
    else if (keyword == "END_ENCRYPTION")
    {
      encrypted_ = true;
    }
    else if (keyword == "SIG_CREATED")   // <type> <pk_algo> <hash_algo> <class> <time> <fpr>
    {
      details_.hashAlgorithm = GpgStatusFields::HashAlgorithmName(atoi(GpgStatusFields::Field(fields, 2).c_str()));
      signed_ = true;
    }
    else if (keyword == "INV_RECP")
    {
      invalidRecipients_.push_back(ParseInvalidKey(arguments));
    }
    else if (keyword == "INV_SGNR")
    {
      invalidSigners_.push_back(ParseInvalidKey(arguments));
    }
    else if ((keyword == "FAILURE" || keyword == "ERROR") && failure_ == 0)
    {
      failure_ = GpgStatusFields::ErrorCode(arguments);
    }
  }

  EncryptDetails SignEncryptStatus::Conclude(int exitCode) const
  {
    ThrowForInvalidKeys();
    passphrase_.ThrowIfRejected(failure_);
    const std::string diagnostics = GpgStatusFields::LastMessage(process_.GetDiagnostics());
    if (failure_ != 0)
    {
      throw Error(ErrorKind::Crypto, what_ + ": " + DescribeGpgmeError(failure_));
    }
    if (exitCode != 0 && exitCode != -1)
    {
      throw Error(ErrorKind::Crypto, what_ + ": gpg ended with code " +
                  std::to_string(exitCode) + diagnostics);
    }
    if (!signed_)
    {
      throw Error(ErrorKind::Crypto, what_ + ": gpg reported no signature" + diagnostics);
    }
    if (encrypting_ && !encrypted_)
    {
      throw Error(ErrorKind::Crypto, "gpg did not report the end of the encryption" + diagnostics);
    }
    return details_;
  }

  void SignEncryptStatus::ThrowForInvalidKeys() const
  {
    std::string message;
    bool onlyUntrusted = true;
    for (const InvalidKey& key : invalidRecipients_)
    {
      const bool untrusted = key.reason == 10;
      onlyUntrusted = onlyUntrusted && untrusted;
      message += (message.empty() ? "" : "; ") + std::string("recipient key ") + key.name + ": " +
        DescribeGpgmeError(InvalidKeyReason(key.reason)) +
        (untrusted ? " (the site has not certified this key)" : "");
    }
    if (!message.empty())
    {
      throw Error(onlyUntrusted ? ErrorKind::Untrusted : ErrorKind::Crypto, "cannot encrypt: " + message);
    }
    if (!invalidSigners_.empty())
    {
      throw Error(ErrorKind::Crypto, "cannot sign with the key " + invalidSigners_.front().name + ": " +
                  DescribeGpgmeError(InvalidKeyReason(invalidSigners_.front().reason)));
    }
  }
}
