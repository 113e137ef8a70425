// SPDX-License-Identifier: GPL-3.0-or-later
// OpenPgpContext: streaming sign+encrypt, decrypt+verify, detached signatures.
#include "Core/Crypto/OpenPgpContext.h"

#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgmeData.h"
#include "Core/Crypto/GpgmeError.h"
#include "Core/Crypto/GpgmeKey.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Crypto/GpgSignEncrypt.h"

#include <algorithm>
#include <cctype>

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

    void ThrowForInvalidSigners(gpgme_invalid_key_t invalid)
    {
      if (invalid != nullptr)
      {
        throw Error(ErrorKind::Crypto, "cannot sign with the key " + Text(invalid->fpr) + ": " +
                    DescribeGpgmeError(invalid->reason));
      }
    }

    // The expiry that matters for a signature: the signing subkey's if it
    // has run out (or is the only one set), else the primary key's.
    long SigningKeyExpiry(gpgme_key_t key, const std::string& signingFingerprint)
    {
      const gpgme_subkey_t primary = key->subkeys;
      for (gpgme_subkey_t sub = primary; sub != nullptr; sub = sub->next)
      {
        if (sub->fpr != nullptr && Fingerprint::Matches(sub->fpr, signingFingerprint) &&
            sub->expires != 0 && (sub->expired || primary->expires == 0))
        {
          return sub->expires;
        }
      }
      return primary->expires;
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
    request.inactivityTimeoutSeconds = home_.GetOptions().gpgTimeoutSeconds;
    return GpgSignEncrypt::Run(request, plain, cipher, [this](const std::string& hint)
    {
      return AnswerPassphrase(hint);
    });
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
      const gpgme_err_code_t status = gpgme_err_code(sig->status);
      c.statusText = DescribeGpgmeError(sig->status);
      c.summary = sig->summary;
      c.valid = (sig->summary & GPGME_SIGSUM_VALID) != 0;
      c.keyExpired = status == GPG_ERR_KEY_EXPIRED || (sig->summary & GPGME_SIGSUM_KEY_EXPIRED) != 0;
      c.keyRevoked = status == GPG_ERR_CERT_REVOKED || (sig->summary & GPGME_SIGSUM_KEY_REVOKED) != 0;
      // EXPKEYSIG, REVKEYSIG and EXPSIG come only for a signature that matches
      // the data: the key's or the signature's lifetime is over, nobody
      // tampered with the mail. Never valid, so never accepted.
      c.good = status == GPG_ERR_NO_ERROR || status == GPG_ERR_KEY_EXPIRED ||
        status == GPG_ERR_CERT_REVOKED || status == GPG_ERR_SIG_EXPIRED;
      c.keyMissing = (sig->summary & GPGME_SIGSUM_KEY_MISSING) != 0 ||
        gpgme_err_code(sig->status) == GPG_ERR_NO_PUBKEY;
      c.wrongKeyUsage = sig->wrong_key_usage;
      c.hashAlgorithm = HashName(sig->hash_algo);
      c.created = sig->timestamp;
      checks.push_back(c);
    }

    // After copying: a key lookup starts a new operation on this context.
    for (SignatureCheck& c : checks)
    {
      if (!c.keyMissing && Fingerprint::IsValidFingerprint(c.fingerprint))
      {
        GpgmeKey key;
        if (FindKey(c.fingerprint, false, GPGME_KEYLIST_MODE_LOCAL, key) == 0 &&
            key.Get() != nullptr && key.Get()->subkeys != nullptr && key.Get()->subkeys->fpr != nullptr)
        {
          c.keyFingerprint = Fingerprint::Normalize(key.Get()->subkeys->fpr);
          c.keyExpiry = SigningKeyExpiry(key.Get(), c.fingerprint);
        }
      }
    }
    return checks;
  }

  VerifyResult OpenPgpContext::DecryptAndVerify(ByteSource& cipher, ByteSink& plain)
  {
    ResetOperationState();
    gpgme_ctx_t ctx = context_.Get();

    GpgmeData in(cipher);
    GpgmeData out(plain);
    GpgOperationWatchdog watchdog = Watch();
    const gpgme_error_t error = gpgme_op_decrypt_verify(ctx, in.Get(), out.Get());
    watchdog.ThrowIfFired();
    in.RethrowCallbackError();
    out.RethrowCallbackError();

    gpgme_decrypt_result_t decrypted = gpgme_op_decrypt_result(ctx);
    const gpgme_err_code_t code = gpgme_err_code(error);
    if (code != GPG_ERR_NO_ERROR)
    {
      if (code == GPG_ERR_NO_SECKEY)
      {
        std::string keyIds;
        for (gpgme_recipient_t r = decrypted != nullptr ? decrypted->recipients : nullptr;
             r != nullptr; r = r->next)
        {
          keyIds += (keyIds.empty() ? "" : ", ") + Text(r->keyid);
        }
        throw Error(ErrorKind::Crypto, "cannot decrypt: no secret key for this message (it is encrypted to "
                    "key IDs " + (keyIds.empty() ? std::string("unknown") : keyIds) + ")");
      }
      if (code == GPG_ERR_NO_DATA || code == GPG_ERR_BAD_DATA || code == GPG_ERR_DECRYPT_FAILED ||
          code == GPG_ERR_CHECKSUM || code == GPG_ERR_BAD_SIGNATURE || code == GPG_ERR_INV_PACKET)
      {
        throw Error(ErrorKind::Crypto, "cannot decrypt: the data is not a valid OpenPGP message or was "
                    "tampered with (" + DescribeGpgmeError(error) + ")");
      }
      Check(error, ErrorKind::Crypto, "cannot decrypt");
    }

    if (decrypted == nullptr)
    {
      throw Error(ErrorKind::Crypto, "cannot decrypt: gpg reported no decryption result");
    }
    if (decrypted->unsupported_algorithm != nullptr)
    {
      throw Error(ErrorKind::Crypto, std::string("cannot decrypt: unsupported algorithm ") +
                  decrypted->unsupported_algorithm);
    }
    if (decrypted->legacy_cipher_nomdc)
    {
      throw Error(ErrorKind::Crypto, "cannot decrypt: the message has no integrity protection (MDC)");
    }

    VerifyResult result;
    result.decrypted = true;
    result.wrongKeyUsage = decrypted->wrong_key_usage;
    result.fileName = Text(decrypted->file_name);
    result.cipherAlgorithm = Text(decrypted->symkey_algo);
    result.signatures = CollectSignatures();

    plain.Flush();
    return result;
  }

  SignDetails OpenPgpContext::Sign(ByteSource& data,
                                   ByteSink& signature,
                                   const std::string& signerFingerprint,
                                   bool detached,
                                   bool armored)
  {
    const std::string signer = Fingerprint::Normalize(signerFingerprint);
    GpgmeKey signerKey = LoadKey(signer, true);

    ResetOperationState();
    gpgme_ctx_t ctx = context_.Get();
    gpgme_signers_clear(ctx);
    CheckGpgme(gpgme_signers_add(ctx, signerKey.Get()), ErrorKind::Crypto,
               "cannot use the key " + Fingerprint::GroupInFours(signer) + " for signing");
    gpgme_set_armor(ctx, armored ? 1 : 0);
    gpgme_set_textmode(ctx, 0);   // RFC 3156: the caller canonicalises to CRLF itself

    GpgmeData in(data);
    GpgmeData out(signature);
    GpgOperationWatchdog watchdog = Watch();
    const gpgme_error_t error = gpgme_op_sign(ctx, in.Get(), out.Get(),
                                              detached ? GPGME_SIG_MODE_DETACH : GPGME_SIG_MODE_NORMAL);
    gpgme_signers_clear(ctx);
    watchdog.ThrowIfFired();
    in.RethrowCallbackError();
    out.RethrowCallbackError();

    gpgme_sign_result_t result = gpgme_op_sign_result(ctx);
    if (gpgme_err_code(error) != GPG_ERR_NO_ERROR && result != nullptr)
    {
      ThrowForInvalidSigners(result->invalid_signers);
    }
    Check(error, ErrorKind::Crypto, "cannot sign with the key " + Fingerprint::GroupInFours(signer));
    if (result == nullptr || result->signatures == nullptr)
    {
      throw Error(ErrorKind::Crypto, "gpg reported no signature");
    }

    signature.Flush();

    SignDetails details;
    details.hashAlgorithm = HashName(result->signatures->hash_algo);
    details.micalg = "pgp-" + details.hashAlgorithm;
    std::transform(details.micalg.begin(), details.micalg.end(), details.micalg.begin(),
                   [](unsigned char c) { return static_cast<char>(tolower(c)); });
    details.signerFingerprint = signer;
    return details;
  }

  VerifyResult OpenPgpContext::Verify(const std::string& detachedSignature, ByteSource& signedData)
  {
    ResetOperationState();
    GpgmeData signature(detachedSignature);
    GpgmeData data(signedData);
    GpgOperationWatchdog watchdog = Watch();
    const gpgme_error_t error = gpgme_op_verify(context_.Get(), signature.Get(), data.Get(), nullptr);
    watchdog.ThrowIfFired();
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
