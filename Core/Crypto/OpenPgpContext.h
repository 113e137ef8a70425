// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Crypto/BundleImport.h"
#include "Core/Crypto/EncryptDetails.h"
#include "Core/Crypto/GnupgHome.h"
#include "Core/Crypto/GpgEngineWrapper.h"
#include "Core/Crypto/GpgOperationWatchdog.h"
#include "Core/Crypto/GpgSession.h"
#include "Core/Crypto/GpgmeContext.h"
#include "Core/Crypto/ImportResult.h"
#include "Core/Crypto/IssuedKeyPair.h"
#include "Core/Crypto/KeyInfo.h"
#include "Core/Crypto/KeyLookupCache.h"
#include "Core/Crypto/SignDetails.h"
#include "Core/Crypto/VerifyResult.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace DicomMail
{
  class GpgmeKey;

  // All OpenPGP work of the plugin: key management and streaming crypto, on
  // one GnuPG home. One object per operation or per thread (GPGME contexts
  // must not be shared); many may use the same home at once. The GnupgHome
  // must outlive the context.
  //
  // Fingerprints are accepted in any case and with spaces, and returned as
  // 40 upper-case hex digits. Errors are DicomMail::Error: BadInput for
  // malformed input, NotFound for an unknown key, Crypto for GnuPG failures,
  // Untrusted for a recipient the site has not certified.
  class OpenPgpContext
  {
  public:
    // Answers gpg's request for the passphrase of a key; "keyHint" is the
    // long key ID and user ID gpg names. Return "" to refuse. Called on the
    // thread that runs the operation. Passphrases are never logged.
    using PassphraseProvider = std::function<std::string(const std::string& keyHint)>;

    enum class ImportPolicy
    {
      PublicOnly,    // refuse any secret key material (the usual case)
      AllowSecret
    };

    explicit OpenPgpContext(const GnupgHome& home);
    ~OpenPgpContext();
    OpenPgpContext(const OpenPgpContext&) = delete;
    OpenPgpContext& operator=(const OpenPgpContext&) = delete;

    // For protected site keys; without a provider, operations that need a
    // passphrase fail with Error(Crypto).
    void SetPassphraseProvider(PassphraseProvider provider);

    // The GnuPG home's directory: names the keyring in caches of callers.
    const std::string& GetHomePath() const
    {
      return home_.GetPath();
    }

    // ---- Key management (OpenPgpKeyManagement.cpp) ----

    // "ed25519": Ed25519 sign/certify primary key plus a Cv25519 encryption
    // subkey; "rsa3072": RSA-3072 plus an RSA-3072 encryption subkey. An
    // empty passphrase creates an unprotected key. Never expires. Returns
    // the fingerprint.
    std::string GenerateSiteKey(const std::string& userId,
                                const std::string& algorithm,
                                const std::string& passphrase = "");

    std::vector<KeyInfo> ListKeys(bool secretOnly);

    // Throws Error(NotFound) if no key has this (primary) fingerprint.
    KeyInfo GetKey(const std::string& fingerprint);

    bool HasKey(const std::string& fingerprint);

    // Every key of the home with its state, shared by all contexts on it
    // and listed again (one gpg) only after the keyring changed: for lists
    // over many keys (partners, keys).
    std::shared_ptr<const KeyringState> GetKeyStates();

    // One key's state: from the shared states while they are valid (a whole
    // listing, or this key listed alone), else listed alone and shared.
    // False if the keyring has no such key.
    bool FindKeyState(const std::string& fingerprint, KeyInfo& key);

    // "origin" names the data in messages, e.g. "the posted key". With
    // PublicOnly, secret key material is refused before the import (packet
    // scan) and, should any slip through, removed again afterwards; both
    // throw Error(BadInput). Data without any key throws Error(BadInput).
    ImportResult ImportKeys(const std::string& armoredOrBinary,
                            ImportPolicy policy = ImportPolicy::PublicOnly,
                            const std::string& origin = "the given data");

    // Many public keys at once (a network's keyring), each with its
    // outcome; secret keys in "data" are refused and never reach gpg, the
    // other keys are imported in one gpg run. Error(BadInput) if "data"
    // holds no key at all.
    BundleImportResult ImportKeyBundle(const std::string& data, const std::string& origin);

    // The key with its self-signatures and the exportable certifications
    // on it (local certifications are never exported).
    std::string ExportPublicKey(const std::string& fingerprint, bool armored = true);

    // Armored secret key, protected by "passphrase", which must be the key's
    // current passphrase (gpg re-protects the export with it). Refuses to
    // export a key that is not passphrase-protected.
    std::string ExportSecretKey(const std::string& fingerprint, const std::string& passphrase);

    // Certifies every user ID of "targetFingerprint" with the site key: a
    // local (non-exportable) certification unless "exportable", without
    // expiry. Afterwards the key is valid (FULL) in this home. Does nothing
    // if the site already certified it.
    void CertifyKey(const std::string& targetFingerprint,
                    const std::string& siteFingerprint,
                    bool exportable = false);

    // ---- Key rotation (OpenPgpKeyInspection.cpp, #22) ----

    // The key "candidateFingerprint" of "candidateKey" (binary or armored,
    // public) as a keyring that holds it and this home's key
    // "vouchingFingerprint" lists it: its certifications checked by gpg.
    // Worked out in a scratch home, so an announced key never enters this
    // one before it is judged. Error(NotFound) if the candidate is absent.
    KeyInfo InspectCandidateKey(const std::string& candidateKey, const std::string& candidateFingerprint,
                                const std::string& vouchingFingerprint);

    // ---- Authorities and revocation (OpenPgpAuthorities.cpp) ----

    // Makes "authorityFingerprint" a certifying authority: a local trust
    // signature by the site key (gpg "ltsign", depth 1, full trust) limited
    // to "domain" and its subdomains ("" = every address). gpg then holds
    // keys it certifies within the scope valid. A second call replaces the
    // scope (the newest trust signature counts).
    void TrustAuthority(const std::string& authorityFingerprint, const std::string& domain,
                        const std::string& siteFingerprint);

    // Imports a revocation certificate (armored, also as a signature, or
    // binary) and answers the key afterwards; Error(BadInput) if it does not
    // revoke the key "fingerprint", Error(NotFound) for an unknown key.
    KeyInfo ImportRevocation(const std::string& certificate, const std::string& fingerprint);

    // Moves the expiry of one of our own keys (its secret part is here)
    // and of all its subkeys to now + "secondsFromNow" (OpenPgpKeyExpiry.cpp,
    // #22); the renewed public key then travels with our mails (KeyTravel).
    void SetExpiry(const std::string& fingerprint, uint64_t secondsFromNow);

    // Without "allowSecret", a key with a secret part is refused.
    void DeleteKey(const std::string& fingerprint, bool allowSecret);

    // Removes only the secret parts (from gpg-agent); the public key and the
    // certifications on it stay.
    void DeleteSecretKeyOnly(const std::string& fingerprint);

    // Creates a key pair "name <email>" for a partner, protected by
    // "passphrase", certified by the site key; the home keeps only the
    // public part (the pair is generated in a scratch home, so its secret
    // part never enters this one).
    IssuedKeyPair IssueKeyPair(const std::string& name,
                               const std::string& email,
                               const std::string& passphrase,
                               const std::string& algorithm,
                               const std::string& siteFingerprint);

    // ---- Streaming crypto (OpenPgpStreaming.cpp) ----

    // Signs and encrypts in one pass; binary OpenPGP output (the caller
    // armors). "alsoToSelf" adds the signer as a recipient. A recipient that
    // is unknown, not certified, expired, revoked or unable to encrypt
    // throws (NotFound, Untrusted or Crypto) naming the key and gpg's reason.
    // "fileName" goes into the literal data packet.
    EncryptDetails EncryptAndSign(ByteSource& plain,
                                  ByteSink& cipher,
                                  const std::vector<std::string>& recipientFingerprints,
                                  const std::string& signerFingerprint,
                                  bool compress,
                                  bool alsoToSelf,
                                  const std::string& fileName = "");

    // Decrypts and reports the signatures; never throws because of a bad,
    // unknown or untrusted signature: check VerifyResult. Throws
    // Error(Crypto, "cannot decrypt: ...") if decryption fails (no secret
    // key, tampered data).
    //
    // WARNING: plaintext reaches "plain" BEFORE gpg has checked the
    // signature and the integrity (MDC) at the end of the message. Write it
    // to a temporary file and use it only after this call returned and the
    // signature was accepted.
    VerifyResult DecryptAndVerify(ByteSource& cipher, ByteSink& plain);

    // For RFC 3156 multipart/signed (e.g. MDNs): by default a detached,
    // armored signature over the exact bytes of "data".
    SignDetails Sign(ByteSource& data,
                     ByteSink& signature,
                     const std::string& signerFingerprint,
                     bool detached = true,
                     bool armored = true);

    // Checks a detached signature; like DecryptAndVerify it reports, the
    // caller decides. Throws Error(Crypto) if "detachedSignature" holds no
    // OpenPGP signature at all.
    VerifyResult Verify(const std::string& detachedSignature, ByteSource& signedData);

  private:
    static gpgme_error_t PassphraseCallback(void* hook, const char* uidHint, const char* info,
                                            int previousWasBad, int fd);

    // The override passphrase, else the provider's answer; "" to refuse.
    std::string AnswerPassphrase(const std::string& hint);

    // Passphrase for the next operation(s) instead of the provider.
    class ScopedPassphrase;

    // Looks a key up by its primary fingerprint; Error(NotFound) if absent.
    // "secret" lists secret keys (and fills subkey keygrips); otherwise
    // public keys with their secret flag and, if "withSignatures", the
    // certifications on their user IDs.
    GpgmeKey LoadKey(const std::string& fingerprint, bool secret, bool withSignatures = false);
    // Checks before a gpg run, from the shared key states while valid
    // (KeyStateCache::PeekKey), else listed: the key's state; Error(NotFound)
    // unless the site holds the signing key's secret part.
    KeyInfo KnownKeyState(const std::string& fingerprint);
    void CheckSigningKey(const std::string& fingerprint);

    // One key by fingerprint (or key ID) listed in "mode"; GPG_ERR_EOF when
    // absent, GPG_ERR_AMBIGUOUS_NAME when several match. Keys found are
    // remembered in keyCache_ (each listing starts a gpg process).
    gpgme_error_t FindKey(const std::string& fingerprint, bool secret, gpgme_keylist_mode_t mode,
                          GpgmeKey& key);
    std::vector<std::string> ListSecretFingerprints();
    std::string GenerateKey(const std::string& userId, const std::string& algorithm,
                            const std::string& passphrase);
    void SetKeylistMode(gpgme_keylist_mode_t mode);
    // Where a scratch home may go: beside this home when the path stays
    // short enough for gpg-agent's socket, else /tmp.
    std::string ScratchParent() const;
    void ResetOperationState();
    GpgOperationWatchdog Watch();
    void RefreshTrustDatabase();
    // Before a change of the keyring: this context's and the home's caches.
    void ForgetKeyStates();
    // The gpg, home and GpgTimeout of the spawned operations.
    GpgSession Session() const;
    // Fills the primary key and its expiry of each signature whose key the
    // keyring holds.
    void ResolveSigningKeys(std::vector<SignatureCheck>& checks);

    // Turns a failed operation into an Error, naming a stopped gpg and a
    // wrong passphrase clearly.
    void Check(gpgme_error_t error, ErrorKind kind, const std::string& what) const;

    // GPGME's context and the wrapper script it runs, made at the first
    // GPGME operation: making them costs a script written and probed and a
    // "gpg --version" forked from this whole process, and the operations a
    // received mail needs (decrypt, verify, the MDN's signature) run in
    // spawned gpg processes and need neither while the key states are cached.
    gpgme_ctx_t Gpgme();
    GpgEngineWrapper& Engine();

    const GnupgHome& home_;
    std::unique_ptr<GpgEngineWrapper> engine_;   // before context_, which runs it
    std::unique_ptr<GpgmeContext> context_;
    KeyLookupCache keyCache_;
    PassphraseProvider provider_;
    const std::string* overridePassphrase_ = nullptr;
    bool passphraseRefused_ = false;
    bool passphraseWasBad_ = false;
    std::string passphraseKeyHint_;
  };
}
