// SPDX-License-Identifier: GPL-3.0-or-later
// OpenPgpContext: streaming sign+encrypt, decrypt+verify, detached signatures,
// each in a gpg process of its own (GpgProcess); the keys are checked here first.
#include "Core/Crypto/OpenPgpContext.h"

#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgDecryptVerify.h"
#include "Core/Crypto/GpgSign.h"
#include "Core/Crypto/GpgSignEncrypt.h"
#include "Core/Crypto/GpgVerify.h"
#include "Core/Crypto/GpgmeKey.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Crypto/KeyInfoFromGpgme.h"

#include <algorithm>

namespace DicomMail
{
  namespace
  {
    std::string FirstUserId(const KeyInfo& key)
    {
      return key.userIds.empty() ? "" : " (" + key.userIds.front().userId + ")";
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
    void CheckRecipientUsable(const KeyInfo& key)
    {
      const std::string name = Fingerprint::GroupInFours(key.fingerprint) + FirstUserId(key);
      const char* problem = nullptr;
      if (key.revoked)
      {
        problem = "is revoked";
      }
      else if (key.expired)
      {
        problem = "has expired";
      }
      else if (key.disabled)
      {
        problem = "is disabled";
      }
      else if (key.invalid)
      {
        problem = "is invalid";
      }
      else if (!key.canEncrypt)
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
    CheckSigningKey(signer);

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
      CheckRecipientUsable(KnownKeyState(fpr));
    }

    // The keys were checked above; GpgSignEncrypt needs only fingerprints.
    GpgSignEncrypt::Request request;
    static_cast<GpgSession&>(request) = Session();
    request.signerFingerprint = signer;
    request.recipientFingerprints = fingerprints;
    request.compress = compress;
    request.fileName = fileName;
    return GpgSignEncrypt::Run(request, plain, cipher, [this](const std::string& hint)
    {
      return AnswerPassphrase(hint);
    });
  }

  KeyInfo OpenPgpContext::KnownKeyState(const std::string& fingerprint)
  {
    // A key listed a moment ago (the send route's check) is not listed
    // again; the shared state follows every change of the keyring (#15).
    KeyInfo key;
    if (!home_.GetKeyStates().PeekKey(fingerprint, key))
    {
      key = MakeKeyInfo(LoadKey(fingerprint, false).Get());
    }
    return key;
  }

  void OpenPgpContext::CheckSigningKey(const std::string& fingerprint)
  {
    KeyInfo key;
    if (!home_.GetKeyStates().PeekKey(fingerprint, key) || !key.hasSecret)
    {
      LoadKey(fingerprint, true);   // Error(NotFound) unless the site holds its secret part
    }
  }

  GpgSession OpenPgpContext::Session() const
  {
    GpgSession session;
    const std::string& configured = home_.GetOptions().gpgProgram;
    session.gpgPath = configured.empty() ? GpgmeLibrary::GetGpgEnginePath() : configured;
    session.homePath = home_.GetPath();
    session.inactivityTimeoutSeconds = home_.GetOptions().gpgTimeoutSeconds;
    return session;
  }

  void OpenPgpContext::ResolveSigningKeys(std::vector<SignatureCheck>& checks)
  {
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
  }

  VerifyResult OpenPgpContext::DecryptAndVerify(ByteSource& cipher, ByteSink& plain)
  {
    VerifyResult result = GpgDecryptVerify::Run(Session(), cipher, plain, [this](const std::string& hint)
    {
      return AnswerPassphrase(hint);
    });
    ResolveSigningKeys(result.signatures);
    return result;
  }

  SignDetails OpenPgpContext::Sign(ByteSource& data,
                                   ByteSink& signature,
                                   const std::string& signerFingerprint,
                                   bool detached,
                                   bool armored)
  {
    GpgSign::Request request;
    static_cast<GpgSession&>(request) = Session();
    request.signerFingerprint = Fingerprint::Normalize(signerFingerprint);
    request.detached = detached;
    request.armored = armored;
    CheckSigningKey(request.signerFingerprint);
    return GpgSign::Run(request, data, signature, [this](const std::string& hint)
    {
      return AnswerPassphrase(hint);
    });
  }

  VerifyResult OpenPgpContext::Verify(const std::string& detachedSignature, ByteSource& signedData)
  {
    VerifyResult result = GpgVerify::Run(Session(), detachedSignature, signedData);
    ResolveSigningKeys(result.signatures);
    return result;
  }
}
