// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/DecryptVerifyStatus.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/GpgStatusFields.h"
#include "Core/Crypto/GpgmeError.h"

#include <cstdlib>

namespace DicomMail
{
  namespace
  {
    const char kWhat[] = "cannot decrypt";

    // Failures that mean the data itself is bad rather than this site's set-up.
    bool IsDataProblem(gpgme_error_t failure)
    {
      switch (gpgme_err_code(failure))
      {
        case GPG_ERR_NO_DATA:
        case GPG_ERR_BAD_DATA:
        case GPG_ERR_DECRYPT_FAILED:
        case GPG_ERR_CHECKSUM:
        case GPG_ERR_BAD_SIGNATURE:
        case GPG_ERR_INV_PACKET:
          return true;
        default:
          return false;
      }
    }

    std::string AeadSuffix(int aead)
    {
      switch (aead)   // RFC 4880bis
      {
        case 0:  return ".CFB";
        case 1:  return ".EAX";
        case 2:  return ".OCB";
        default: return ".unknown";
      }
    }
  }

  DecryptVerifyStatus::DecryptVerifyStatus(GpgProcess& process, const LoopbackPassphrase::Answer& passphrase) :
    process_(process),
    passphrase_(process, passphrase, kWhat)
  {
  }

  void DecryptVerifyStatus::Handle(const std::string& keyword, const std::string& arguments)
  {
    if (passphrase_.Handle(keyword, arguments) || signatures_.Handle(keyword, arguments))
    {
      return;
    }
    const std::vector<std::string> fields = GpgStatusFields::Split(arguments);
    if (keyword == "ENC_TO")   // <long keyid> <keytype> <keylength>
    {
      recipientKeyIds_.push_back(GpgStatusFields::Field(fields, 0));
    }
    else if (keyword == "NO_SECKEY")
    {
      noSecretKey_ = true;
    }
    else if (keyword == "DECRYPTION_INFO")   // <mdc_method> <sym_algo> [<aead_algo>]
    {
      mdcMethod_ = atoi(GpgStatusFields::Field(fields, 0).c_str());
      aeadAlgorithm_ = atoi(GpgStatusFields::Field(fields, 2).c_str());
      cipherAlgorithm_ = GpgStatusFields::SymmetricAlgorithmName(atoi(GpgStatusFields::Field(fields, 1).c_str())) +
        AeadSuffix(aeadAlgorithm_);
    }
    else if (keyword == "DECRYPTION_OKAY")
    {
      okay_ = true;
    }
    else if (keyword == "DECRYPTION_FAILED")
    {
      failed_ = true;
    }
    else if (keyword == "GOODMDC")
    {
      goodMdc_ = true;
    }
    else if (keyword == "BADMDC")
    {
      badMdc_ = true;
    }
    else if (keyword == "NODATA")
    {
      noData_ = true;
    }
    else if (keyword == "PLAINTEXT")   // <format> <timestamp> <file name>
    {
      fileName_ = GpgStatusFields::Unescape(GpgStatusFields::Field(fields, 2));
    }
    else if (keyword == "ERROR" || keyword == "FAILURE")   // <location> <code> [<more>]
    {
      const std::string location = GpgStatusFields::Field(fields, 0);
      if (location == "decrypt.algorithm")
      {
        unsupportedAlgorithm_ = GpgStatusFields::Field(fields, 2);
        if (unsupportedAlgorithm_.empty())
        {
          unsupportedAlgorithm_ = "(unnamed)";
        }
      }
      else if (location == "decrypt.keyusage")
      {
        wrongKeyUsage_ = true;
      }
      if (failure_ == 0)
      {
        failure_ = GpgStatusFields::ErrorCode(arguments);
      }
    }
  }

  VerifyResult DecryptVerifyStatus::Conclude() const
  {
    passphrase_.ThrowIfRejected(failure_);
    const std::string what = kWhat;
    if (!unsupportedAlgorithm_.empty())
    {
      throw Error(ErrorKind::Crypto, what + ": unsupported algorithm " + unsupportedAlgorithm_);
    }

    if (!okay_ || failed_ || badMdc_)
    {
      if (noSecretKey_ && !okay_)
      {
        std::string keyIds;
        for (const std::string& id : recipientKeyIds_)
        {
          keyIds += (keyIds.empty() ? "" : ", ") + id;
        }
        throw Error(ErrorKind::Crypto, what + ": no secret key for this message (it is encrypted to key IDs " +
                    (keyIds.empty() ? std::string("unknown") : keyIds) + ")");
      }
      if (failure_ != 0 && !IsDataProblem(failure_) && !failed_ && !badMdc_ && !noData_)
      {
        throw Error(ErrorKind::Crypto, what + ": " + DescribeGpgmeError(failure_));
      }
      const std::string detail = noData_ ? " (no OpenPGP data found)" :
        failure_ != 0 ? " (" + DescribeGpgmeError(failure_) + ")" :
        GpgStatusFields::LastMessage(process_.GetDiagnostics());
      throw Error(ErrorKind::Crypto, what + ": the data is not a valid OpenPGP message or was tampered with" +
                  detail);
    }

    // GnuPG 2.2 refuses messages without integrity protection by itself;
    // the checks stay in case a gpg.conf says otherwise.
    if (aeadAlgorithm_ == 0 && mdcMethod_ <= 0)
    {
      throw Error(ErrorKind::Crypto, what + ": the message has no integrity protection (MDC)");
    }
    if (aeadAlgorithm_ == 0 && !goodMdc_)
    {
      throw Error(ErrorKind::Crypto, what + ": gpg did not confirm the integrity of the message (MDC)");
    }

    VerifyResult result;
    result.decrypted = true;
    result.wrongKeyUsage = wrongKeyUsage_;
    result.fileName = fileName_;
    result.cipherAlgorithm = cipherAlgorithm_;
    result.signatures = signatures_.GetSignatures();
    return result;
  }
}
