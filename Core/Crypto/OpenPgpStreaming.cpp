// SPDX-License-Identifier: GPL-3.0-or-later
// OpenPgpContext: streaming sign+encrypt, decrypt+verify, detached signatures.
#include "Core/Crypto/OpenPgpContext.h"

#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgmeData.h"
#include "Core/Crypto/GpgmeError.h"
#include "Core/Crypto/GpgmeKey.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Crypto/GpgDecryptVerify.h"
#include "Core/Crypto/GpgSign.h"
#include "Core/Crypto/GpgSignEncrypt.h"

#include <algorithm>

namespace DicomMail
{
  namespace
  {
    std::string Text(const char* s)
    {
      return s != nullptr ? s : "";
    }

    std::string HashName(gpgme_hash_algo_t algorithm)
    {
      const char* name = gpgme_hash_algo_name(algorithm);
      return name != nullptr ? name : "unknown";
    }

    std::string FirstUserId(gpgme_key_t key)
    {
      return key->uids != nullptr && key->uids->uid != nullptr ? std::string(" (") + key->uids->uid + ")" : "";
    }

    // Refuses recipients gpg would skip, with a reason a person understands.
    void CheckRecipientUsable(gpgme_key_t key)
    {
      const std::string name = Fingerprint::GroupInFours(key->subkeys->fpr) + FirstUserId(key);
      const char* problem = nullptr;
      if (key->revoked)
      {
        problem = "is revoked";
      }
      else if (key->expired)
      {
        problem = "has expired";
      }
      else if (key->disabled)
      {
        problem = "is disabled";
      }
      else if (key->invalid)
      {
        problem = "is invalid";
      }
      else if (!key->can_encrypt)
      {
        problem = "has no usable encryption subkey";
      }
      if (problem != nullptr)
      {
        throw Error(ErrorKind::Crypto, "the recipient key " + name + " " + problem);
      }
    }
  }

  EncryptDetails OpenPgpContext::EncryptAndSign(ByteSource& plain,
                                                ByteSink& cipher,
                                                const std::vector<std::string>& recipientFingerprints,
                                                const std::string& signerFingerprint,
                                                bool compress,
                                                bool alsoToSelf,
                                                const std::string& fileName)
  {
    if (recipientFingerprints.empty() && !alsoToSelf)
    {
      throw Error(ErrorKind::BadInput, "cannot encrypt: no recipient given");
    }

    const std::string signer = Fingerprint::Normalize(signerFingerprint);
    LoadKey(signer, true);   // Error(NotFound) unless the site holds its secret part

    std::vector<std::string> fingerprints;
    for (const std::string& r : recipientFingerprints)
    {
      fingerprints.push_back(Fingerprint::Normalize(r));
    }
    if (alsoToSelf)
    {
      fingerprints.push_back(signer);
    }
    std::sort(fingerprints.begin(), fingerprints.end());
    fingerprints.erase(std::unique(fingerprints.begin(), fingerprints.end()), fingerprints.end());

    for (const std::string& fpr : fingerprints)
    {
      CheckRecipientUsable(LoadKey(fpr, false).Get());
    }

    // The keys were checked above; GpgSignEncrypt needs only fingerprints.
    GpgSignEncrypt::Request request;
    request.gpgPath = GpgmeLibrary::GetGpgEnginePath();
    request.homePath = home_.GetPath();
    request.signerFingerprint = signer;
    request.recipientFingerprints = fingerprints;
    request.compress = compress;
    request.fileName = fileName;
    return GpgSignEncrypt::Run(request, plain, cipher, [this](const std::string& hint)
    {
      return AnswerPassphrase(hint);
    });
  }

  void OpenPgpContext::ResolvePrimaryFingerprints(std::vector<SignatureCheck>& checks)
  {
    for (SignatureCheck& c : checks)
    {
      if (c.keyFingerprint.empty() && !c.keyMissing && Fingerprint::IsValidFingerprint(c.fingerprint))
      {
        GpgmeKey key;
        if (FindKey(c.fingerprint, false, GPGME_KEYLIST_MODE_LOCAL, key) == 0 &&
            key.Get() != nullptr && key.Get()->subkeys != nullptr && key.Get()->subkeys->fpr != nullptr)
        {
          c.keyFingerprint = Fingerprint::Normalize(key.Get()->subkeys->fpr);
        }
      }
    }
  }

  std::vector<SignatureCheck> OpenPgpContext::CollectSignatures()
  {
    std::vector<SignatureCheck> checks;
    gpgme_verify_result_t result = gpgme_op_verify_result(context_.Get());
    if (result == nullptr)
    {
      return checks;
    }

    for (gpgme_signature_t sig = result->signatures; sig != nullptr; sig = sig->next)
    {
      SignatureCheck c;
      c.fingerprint = Text(sig->fpr);
      if (Fingerprint::IsValidFingerprint(c.fingerprint))
      {
        c.fingerprint = Fingerprint::Normalize(c.fingerprint);
      }
      c.statusText = DescribeGpgmeError(sig->status);
      c.summary = sig->summary;
      c.valid = (sig->summary & GPGME_SIGSUM_VALID) != 0;
      c.good = gpgme_err_code(sig->status) == GPG_ERR_NO_ERROR;
      c.keyMissing = (sig->summary & GPGME_SIGSUM_KEY_MISSING) != 0 ||
        gpgme_err_code(sig->status) == GPG_ERR_NO_PUBKEY;
      c.wrongKeyUsage = sig->wrong_key_usage;
      c.hashAlgorithm = HashName(sig->hash_algo);
      c.created = sig->timestamp;
      checks.push_back(c);
    }

    // After copying: a key lookup starts a new operation on this context.
    ResolvePrimaryFingerprints(checks);
    return checks;
  }

  VerifyResult OpenPgpContext::DecryptAndVerify(ByteSource& cipher, ByteSink& plain)
  {
    GpgDecryptVerify::Request request;
    request.gpgPath = GpgmeLibrary::GetGpgEnginePath();
    request.homePath = home_.GetPath();
    VerifyResult result = GpgDecryptVerify::Run(request, cipher, plain, [this](const std::string& hint)
    {
      return AnswerPassphrase(hint);
    });
    // gpg names the primary key of a signature it could check; for the rest
    // the keyring is asked, as for signatures checked through GPGME.
    ResolvePrimaryFingerprints(result.signatures);
    return result;
  }

  SignDetails OpenPgpContext::Sign(ByteSource& data,
                                   ByteSink& signature,
                                   const std::string& signerFingerprint,
                                   bool detached,
                                   bool armored)
  {
    GpgSign::Request request;
    request.gpgPath = GpgmeLibrary::GetGpgEnginePath();
    request.homePath = home_.GetPath();
    request.signerFingerprint = Fingerprint::Normalize(signerFingerprint);
    request.detached = detached;
    request.armored = armored;
    LoadKey(request.signerFingerprint, true);   // Error(NotFound) unless the site holds its secret part
    return GpgSign::Run(request, data, signature, [this](const std::string& hint)
    {
      return AnswerPassphrase(hint);
    });
  }

  VerifyResult OpenPgpContext::Verify(const std::string& detachedSignature, ByteSource& signedData)
  {
    ResetOperationState();
    GpgmeData signature(detachedSignature);
    GpgmeData data(signedData);
    const gpgme_error_t error = gpgme_op_verify(context_.Get(), signature.Get(), data.Get(), nullptr);
    data.RethrowCallbackError();

    if (gpgme_err_code(error) == GPG_ERR_NO_DATA)
    {
      throw Error(ErrorKind::Crypto, "no OpenPGP signature found in the signature part");
    }
    Check(error, ErrorKind::Crypto, "cannot verify the signature");

    VerifyResult result;
    result.signatures = CollectSignatures();
    if (result.signatures.empty())
    {
      throw Error(ErrorKind::Crypto, "no OpenPGP signature found in the signature part");
    }
    return result;
  }
}
