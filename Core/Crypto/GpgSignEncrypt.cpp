// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgSignEncrypt.h"

#include "Core/Common/Error.h"
#include "Core/Common/Wipe.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/GpgmeError.h"

#include <cstdlib>
#include <gpgme.h>
#include <sstream>

namespace DicomMail
{
  namespace
  {
    const char kWhat[] = "cannot sign and encrypt";

    const char* SymmetricAlgorithmName(int id)
    {
      switch (id)   // RFC 4880 §9.2
      {
        case 1:  return "IDEA";
        case 2:  return "3DES";
        case 3:  return "CAST5";
        case 4:  return "BLOWFISH";
        case 7:  return "AES128";
        case 8:  return "AES192";
        case 9:  return "AES256";
        case 10: return "TWOFISH";
        case 11: return "CAMELLIA128";
        case 12: return "CAMELLIA192";
        case 13: return "CAMELLIA256";
        default: return "unknown";
      }
    }

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

    struct InvalidKey
    {
      int reason;
      std::string name;
    };

    // "<reason> <fingerprint or name>"
    InvalidKey ParseInvalidKey(const std::string& arguments)
    {
      InvalidKey key;
      key.reason = atoi(arguments.c_str());
      const size_t space = arguments.find(' ');
      key.name = space == std::string::npos ? "" : arguments.substr(space + 1);
      if (Fingerprint::IsValidFingerprint(key.name))
      {
        key.name = Fingerprint::GroupInFours(key.name);
      }
      return key;
    }

    std::string KeyIdOfHint(const std::string& hint)
    {
      return hint.substr(0, hint.find(' '));
    }

    // Follows one run's status lines: answers the passphrase question and
    // remembers what gpg did and refused.
    class SignEncryptStatus
    {
    public:
      SignEncryptStatus(GpgProcess& process, const GpgSignEncrypt::PassphraseAnswer& passphrase) :
        process_(process),
        passphrase_(passphrase)
      {
      }

      void Handle(const std::string& keyword, const std::string& arguments)
      {
        if (keyword == "BEGIN_ENCRYPTION")   // <mdc_method> <sym_algo>
        {
          const size_t space = arguments.find(' ');
          if (space != std::string::npos)
          {
            details_.cipherAlgorithm = SymmetricAlgorithmName(atoi(arguments.c_str() + space + 1));
          }
        }
        else if (keyword == "END_ENCRYPTION")
        {
          encrypted_ = true;
        }
        else if (keyword == "SIG_CREATED")   // <type> <pk_algo> <hash_algo> <class> <time> <fpr>
        {
          std::istringstream fields(arguments);
          std::string type;
          int publicKeyAlgorithm = 0;
          int hashAlgorithm = 0;
          fields >> type >> publicKeyAlgorithm >> hashAlgorithm;
          const char* name = gpgme_hash_algo_name(static_cast<gpgme_hash_algo_t>(hashAlgorithm));
          details_.hashAlgorithm = name != nullptr ? name : "unknown";
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
        else if ((keyword == "FAILURE" || keyword == "ERROR") && failure_ == 0)   // <location> <code>
        {
          const size_t space = arguments.find(' ');
          failure_ = space == std::string::npos ? gpgme_err_make(GPG_ERR_SOURCE_GPG, GPG_ERR_GENERAL) :
            static_cast<gpgme_error_t>(strtoul(arguments.c_str() + space + 1, nullptr, 10));
        }
        else if (keyword == "USERID_HINT")
        {
          hint_ = arguments;
        }
        else if (keyword == "BAD_PASSPHRASE")
        {
          badPassphrase_ = true;
        }
        else if (keyword == "GET_HIDDEN" && arguments == "passphrase.enter")
        {
          AnswerPassphrase();
        }
        else if (keyword == "GET_BOOL" || keyword == "GET_LINE" || keyword == "GET_HIDDEN")
        {
          // Nobody is there to answer: stop rather than let gpg wait forever.
          throw Error(ErrorKind::Crypto, std::string(kWhat) + ": gpg asked an unexpected question (" +
                      arguments + ")");
        }
      }

      // After gpg ended: an Error for anything that went wrong, else the details.
      EncryptDetails Conclude(int exitCode) const
      {
        ThrowForInvalidRecipients();
        if (!invalidSigners_.empty())
        {
          throw Error(ErrorKind::Crypto, "cannot sign with the key " + invalidSigners_.front().name + ": " +
                      DescribeGpgmeError(InvalidKeyReason(invalidSigners_.front().reason)));
        }
        // gpg-agent refuses a wrong passphrase with a FAILURE line, older gpg
        // versions with BAD_PASSPHRASE.
        if (badPassphrase_ || gpgme_err_code(failure_) == GPG_ERR_BAD_PASSPHRASE)
        {
          throw WrongPassphrase();
        }
        if (failure_ != 0)
        {
          throw Error(ErrorKind::Crypto, std::string(kWhat) + ": " + DescribeGpgmeError(failure_));
        }
        if (exitCode != 0 && exitCode != -1)
        {
          throw Error(ErrorKind::Crypto, std::string(kWhat) + ": gpg ended with code " +
                      std::to_string(exitCode) + LastMessage());
        }
        if (!signed_)
        {
          throw Error(ErrorKind::Crypto, "gpg encrypted the data but reported no signature" + LastMessage());
        }
        if (!encrypted_)
        {
          throw Error(ErrorKind::Crypto, "gpg did not report the end of the encryption" + LastMessage());
        }
        return details_;
      }

    private:
      void AnswerPassphrase()
      {
        if (badPassphrase_)
        {
          // Answering again would loop: gpg asks until it gets the right one.
          throw WrongPassphrase();
        }
        std::string answer;
        if (passphrase_)
        {
          answer = passphrase_(hint_);
        }
        if (answer.empty())
        {
          throw Error(ErrorKind::Crypto, std::string(kWhat) + ": no passphrase is available for the key " +
                      KeyIdOfHint(hint_) + " (it is protected)");
        }
        answer += '\n';
        process_.SendCommand(answer);
        WipeString(answer);
      }

      Error WrongPassphrase() const
      {
        return Error(ErrorKind::Crypto, std::string(kWhat) + ": wrong passphrase for the key " + KeyIdOfHint(hint_));
      }

      void ThrowForInvalidRecipients() const
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
      }

      // gpg's last line on stderr, which usually names the cause.
      std::string LastMessage() const
      {
        std::string text = process_.GetDiagnostics();
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        {
          text.pop_back();
        }
        const size_t newline = text.rfind('\n');
        text = newline == std::string::npos ? text : text.substr(newline + 1);
        return text.empty() ? "" : " (" + text + ")";
      }

      GpgProcess& process_;
      const GpgSignEncrypt::PassphraseAnswer& passphrase_;
      EncryptDetails details_;
      bool encrypted_ = false;
      bool signed_ = false;
      bool badPassphrase_ = false;
      std::string hint_;
      gpgme_error_t failure_ = 0;
      std::vector<InvalidKey> invalidRecipients_;
      std::vector<InvalidKey> invalidSigners_;
    };
  }

  std::vector<std::string> GpgSignEncrypt::BuildArguments(const Request& request)
  {
    std::vector<std::string> arguments = {
      "--homedir", request.homePath,
      "--batch", "--no-tty",
      "--status-fd", std::to_string(GpgProcess::kStatusFd),
      "--command-fd", std::to_string(GpgProcess::kCommandFd),
      "--exit-on-status-write-error",
      // gpg asks us (GET_HIDDEN) for a passphrase, never a pinentry program.
      "--pinentry-mode", "loopback",
      // Only the recipients asked for, whatever gpg.conf says.
      "--no-encrypt-to",
      "--sign", "--encrypt",
      "--local-user", request.signerFingerprint
    };
    for (const std::string& recipient : request.recipientFingerprints)
    {
      arguments.push_back("--recipient");
      arguments.push_back(recipient);
    }
    if (!request.compress)
    {
      arguments.push_back("--compress-algo");
      arguments.push_back("none");
    }
    if (!request.fileName.empty())
    {
      arguments.push_back("--set-filename");
      arguments.push_back(request.fileName);
    }
    arguments.push_back("--output");
    arguments.push_back("-");
    return arguments;
  }

  EncryptDetails GpgSignEncrypt::Run(const Request& request, ByteSource& plain, ByteSink& cipher,
                                     const PassphraseAnswer& passphrase)
  {
    GpgProcess process(request.gpgPath, BuildArguments(request));
    process.SetInactivityTimeout(std::chrono::seconds(request.inactivityTimeoutSeconds));
    SignEncryptStatus status(process, passphrase);
    const int exitCode = process.Exchange(plain, cipher, [&status](const std::string& keyword,
                                                                   const std::string& arguments)
    {
      status.Handle(keyword, arguments);
    });
    EncryptDetails details = status.Conclude(exitCode);
    details.signerFingerprint = request.signerFingerprint;
    cipher.Flush();
    return details;
  }
}
