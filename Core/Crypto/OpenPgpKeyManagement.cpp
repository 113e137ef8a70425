// SPDX-License-Identifier: GPL-3.0-or-later
// OpenPgpContext: key generation, listing, import/export, certification.
#include "Core/Crypto/OpenPgpContext.h"

#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgmeData.h"
#include "Core/Crypto/GpgmeError.h"
#include "Core/Crypto/GpgmeKey.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/KeyInfoFromGpgme.h"
#include "Core/Crypto/OpenPgpPackets.h"
#include "Core/Crypto/TemporaryGnupgHome.h"

#include <functional>
#include <set>

namespace DicomMail
{
  namespace
  {
    // True if "lookup" returns, false if it finds no such key; other
    // errors go on.
    bool FoundUnlessNotFound(const std::function<void()>& lookup)
    {
      try
      {
        lookup();
        return true;
      }
      catch (const Error& e)
      {
        if (e.GetKind() == ErrorKind::NotFound)
        {
          return false;
        }
        throw;
      }
    }
  }

  // Answers passphrase requests with a fixed passphrase for one scope
  // (creating or exporting a key with a passphrase the caller chose).
  class OpenPgpContext::ScopedPassphrase
  {
  public:
    ScopedPassphrase(OpenPgpContext& context, const std::string& passphrase) :
      context_(context)
    {
      context_.overridePassphrase_ = &passphrase;
    }

    ~ScopedPassphrase()
    {
      context_.overridePassphrase_ = nullptr;
    }

    ScopedPassphrase(const ScopedPassphrase&) = delete;
    ScopedPassphrase& operator=(const ScopedPassphrase&) = delete;

  private:
    OpenPgpContext& context_;
  };

  namespace
  {
    bool HasControlCharacter(const std::string& s)
    {
      for (char c : s)
      {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        {
          return true;
        }
      }
      return false;
    }

    void CheckUserIdText(const std::string& userId)
    {
      if (userId.empty() || userId.size() > 256 || HasControlCharacter(userId))
      {
        throw Error(ErrorKind::BadInput, "invalid OpenPGP user ID (1 to 256 printable characters expected)");
      }
    }

    // Algorithms of the primary key and of the encryption subkey.
    void SelectAlgorithms(const std::string& algorithm, const char*& primary, const char*& subkey)
    {
      if (algorithm == "ed25519")
      {
        primary = "ed25519";
        subkey = "cv25519";
      }
      else if (algorithm == "rsa3072")
      {
        primary = "rsa3072";
        subkey = "rsa3072";
      }
      else
      {
        throw Error(ErrorKind::BadInput, "unsupported key algorithm \"" + algorithm +
                    "\" (use \"ed25519\" or \"rsa3072\")");
      }
    }

    std::string Upper(const char* s)
    {
      return s != nullptr && Fingerprint::IsValidFingerprint(s) ? Fingerprint::Normalize(s) : "";
    }
  }

  void OpenPgpContext::ForgetKeyStates()
  {
    keyCache_.Clear();
    home_.GetKeyStates().Invalidate();
  }

  std::string OpenPgpContext::GenerateKey(const std::string& userId, const std::string& algorithm,
                                          const std::string& passphrase)
  {
    ForgetKeyStates();
    CheckUserIdText(userId);
    const char* primaryAlgorithm;
    const char* subkeyAlgorithm;
    SelectAlgorithms(algorithm, primaryAlgorithm, subkeyAlgorithm);

    ResetOperationState();
    ScopedPassphrase scope(*this, passphrase);

    // FORCE: a partner may get a second key with the same user ID; keys are
    // always addressed by fingerprint here.
    const unsigned int common = GPGME_CREATE_NOEXPIRE | GPGME_CREATE_FORCE |
      (passphrase.empty() ? GPGME_CREATE_NOPASSWD : 0);

    Check(gpgme_op_createkey(Gpgme(), userId.c_str(), primaryAlgorithm, 0, 0, nullptr,
                             common | GPGME_CREATE_SIGN | GPGME_CREATE_CERT),
          ErrorKind::Crypto, "cannot create the " + algorithm + " key");
    gpgme_genkey_result_t generated = gpgme_op_genkey_result(Gpgme());
    if (generated == nullptr || generated->fpr == nullptr)
    {
      throw Error(ErrorKind::Crypto, "gpg created a key but reported no fingerprint");
    }
    const std::string fingerprint = Fingerprint::Normalize(generated->fpr);

    try
    {
      GpgmeKey key = LoadKey(fingerprint, false);
      ResetOperationState();
      Check(gpgme_op_createsubkey(Gpgme(), key.Get(), subkeyAlgorithm, 0, 0,
                                  common | GPGME_CREATE_ENCR),
            ErrorKind::Crypto, "cannot add the encryption subkey to the new key");
    }
    catch (...)
    {
      try
      {
        DeleteKey(fingerprint, true);   // no half-made key left behind
      }
      catch (...)
      {
      }
      throw;
    }
    return fingerprint;
  }

  std::string OpenPgpContext::GenerateSiteKey(const std::string& userId, const std::string& algorithm,
                                              const std::string& passphrase)
  {
    return GenerateKey(userId, algorithm, passphrase);
  }

  std::vector<KeyInfo> OpenPgpContext::ListKeys(bool secretOnly)
  {
    // Public listing with the secret flag: the same fields for every key.
    SetKeylistMode(GPGME_KEYLIST_MODE_LOCAL | GPGME_KEYLIST_MODE_WITH_SECRET | GPGME_KEYLIST_MODE_SIGS);
    GpgOperationWatchdog watchdog = Watch();
    Check(gpgme_op_keylist_start(Gpgme(), nullptr, 0), ErrorKind::Crypto, "cannot list the keys");

    std::vector<KeyInfo> keys;
    for (;;)
    {
      GpgmeKey key;
      const gpgme_error_t error = gpgme_op_keylist_next(Gpgme(), key.ResetAndGetAddress());
      if (gpgme_err_code(error) == GPG_ERR_EOF)
      {
        break;
      }
      if (gpgme_err_code(error) != GPG_ERR_NO_ERROR)
      {
        gpgme_op_keylist_end(Gpgme());
        watchdog.ThrowIfFired();
        CheckGpgme(error, ErrorKind::Crypto, "cannot list the keys");
      }
      if (!secretOnly || key.Get()->secret)
      {
        keys.push_back(MakeKeyInfo(key.Get()));
      }
    }
    gpgme_op_keylist_end(Gpgme());
    watchdog.ThrowIfFired();   // a stopped listing ends like a complete one
    Engine().CheckStarted("cannot list the keys");   // and so does one whose gpg never ran
    return keys;
  }

  std::vector<std::string> OpenPgpContext::ListSecretFingerprints()
  {
    SetKeylistMode(GPGME_KEYLIST_MODE_LOCAL);
    GpgOperationWatchdog watchdog = Watch();
    Check(gpgme_op_keylist_start(Gpgme(), nullptr, 1), ErrorKind::Crypto,
          "cannot list the secret keys");

    std::vector<std::string> result;
    for (;;)
    {
      GpgmeKey key;
      const gpgme_error_t error = gpgme_op_keylist_next(Gpgme(), key.ResetAndGetAddress());
      if (gpgme_err_code(error) == GPG_ERR_EOF)
      {
        break;
      }
      if (gpgme_err_code(error) != GPG_ERR_NO_ERROR)
      {
        gpgme_op_keylist_end(Gpgme());
        watchdog.ThrowIfFired();
        CheckGpgme(error, ErrorKind::Crypto, "cannot list the secret keys");
      }
      if (key.Get()->subkeys != nullptr && key.Get()->subkeys->fpr != nullptr)
      {
        result.push_back(Upper(key.Get()->subkeys->fpr));
      }
    }
    gpgme_op_keylist_end(Gpgme());
    watchdog.ThrowIfFired();   // a stopped listing ends like a complete one
    Engine().CheckStarted("cannot list the secret keys");
    return result;
  }

  KeyInfo OpenPgpContext::GetKey(const std::string& fingerprint)
  {
    return MakeKeyInfo(LoadKey(fingerprint, false, true).Get());
  }

  std::shared_ptr<const KeyringState> OpenPgpContext::GetKeyStates()
  {
    return home_.GetKeyStates().Get([this] { return ListKeys(false); });
  }

  bool OpenPgpContext::FindKeyState(const std::string& fingerprint, KeyInfo& key)
  {
    KeyStateCache& cache = home_.GetKeyStates();
    if (std::shared_ptr<const KeyringState> states = cache.Peek())
    {
      return states->Find(fingerprint, key);
    }
    if (cache.PeekKey(fingerprint, key))
    {
      return true;
    }
    // One gpg run: the listing with signatures answers "absent" too (a
    // separate presence check cost the send route a second gpg, #15).
    const KeyringStamp before = cache.Stamp();
    const bool found = FoundUnlessNotFound([&] { key = GetKey(fingerprint); });
    if (found)
    {
      cache.Remember(key, before);
    }
    return found;
  }

  bool OpenPgpContext::HasKey(const std::string& fingerprint)
  {
    return FoundUnlessNotFound([&] { LoadKey(fingerprint, false); });
  }

  void OpenPgpContext::RefreshTrustDatabase()
  {
    // gpg keeps computed validities until a "next check" date, and an import
    // that renews an expired key neither moves that date nor marks the
    // database dirty (GnuPG 2.2): the renewed key would stay of unknown
    // validity, its mail in quarantine. --update-trustdb recomputes now; it
    // asks for the owner trust of each key the site certified, which we
    // leave as it is ("s": skip). A few milliseconds, once per import.
    GpgProcess gpg(GpgmeLibrary::GetGpgEnginePath(),
                   { "--homedir", home_.GetPath(), "--batch", "--no-tty",
                     "--status-fd", std::to_string(GpgProcess::kStatusFd),
                     "--command-fd", std::to_string(GpgProcess::kCommandFd), "--update-trustdb" });
    gpg.SetInactivityTimeout(std::chrono::seconds(home_.GetOptions().gpgTimeoutSeconds));
    StringSource nothing("");
    StringSink ignored;
    const int code = gpg.Exchange(nothing, ignored, [&gpg](const std::string& keyword, const std::string& arguments)
    {
      if (keyword == "GET_LINE" && arguments == "edit_ownertrust.value")
      {
        gpg.SendCommand("s\n");
      }
      else if (keyword.compare(0, 4, "GET_") == 0)
      {
        throw Error(ErrorKind::Crypto, "gpg --update-trustdb asked an unexpected question: " + arguments);
      }
    });
    if (code != 0)
    {
      throw Error(ErrorKind::Crypto, "gpg --update-trustdb failed after an import: " + gpg.GetDiagnostics());
    }
  }

  ImportResult OpenPgpContext::ImportKeys(const std::string& data, ImportPolicy policy,
                                          const std::string& origin)
  {
    ForgetKeyStates();
    const bool publicOnly = (policy == ImportPolicy::PublicOnly);
    const std::string noKey = "no OpenPGP key found in " + origin;
    if (data.empty())
    {
      throw Error(ErrorKind::BadInput, noKey + " (it is empty)");
    }
    if (publicOnly && OpenPgpPackets::ContainsSecretKey(data))
    {
      throw Error(ErrorKind::BadInput, "a secret key was posted in " + origin +
                  ": only public keys are accepted here (keep private keys private)");
    }

    std::set<std::string> secretBefore;
    if (publicOnly)
    {
      for (const std::string& fpr : ListSecretFingerprints())
      {
        secretBefore.insert(fpr);
      }
    }

    ResetOperationState();
    GpgmeData in(data);
    GpgOperationWatchdog watchdog = Watch();
    const gpgme_error_t error = gpgme_op_import(Gpgme(), in.Get());
    if (gpgme_err_code(error) == GPG_ERR_NO_DATA)
    {
      throw Error(ErrorKind::BadInput, noKey);
    }
    Check(error, ErrorKind::BadInput, "cannot import " + origin);

    gpgme_import_result_t r = gpgme_op_import_result(Gpgme());
    if (r == nullptr)
    {
      throw Error(ErrorKind::Crypto, "gpg reported no result for the import of " + origin);
    }

    if (r->imported > 0 || r->new_signatures > 0 || r->new_sub_keys > 0 || r->new_revocations > 0 ||
        r->new_user_ids > 0)
    {
      RefreshTrustDatabase();
    }

    ImportResult result;
    result.considered = r->considered;
    result.imported = r->imported;
    result.unchanged = r->unchanged;
    result.secretKeysRead = r->secret_read;

    std::set<std::string> newPublicKeys;
    for (gpgme_import_status_t s = r->imports; s != nullptr; s = s->next)
    {
      const std::string fpr = Upper(s->fpr);
      if (gpgme_err_code(s->result) != GPG_ERR_NO_ERROR || fpr.empty())
      {
        continue;
      }
      if (s->status & GPGME_IMPORT_NEW)
      {
        newPublicKeys.insert(fpr);
      }
      bool seen = false;
      for (const std::string& f : result.fingerprints)
      {
        seen = seen || f == fpr;
      }
      if (!seen)
      {
        result.fingerprints.push_back(fpr);
      }
    }

    if (publicOnly && r->secret_read > 0)
    {
      // The packet scan missed it: undo what the import added, then refuse.
      for (const std::string& fpr : ListSecretFingerprints())
      {
        if (secretBefore.count(fpr) == 0)
        {
          if (newPublicKeys.count(fpr) != 0)
          {
            DeleteKey(fpr, true);
          }
          else
          {
            DeleteSecretKeyOnly(fpr);
          }
        }
      }
      throw Error(ErrorKind::BadInput, "a secret key was posted in " + origin +
                  ": only public keys are accepted here; it was removed from the keyring again");
    }

    if (r->considered == 0)
    {
      throw Error(ErrorKind::BadInput, noKey);
    }
    return result;
  }

  std::string OpenPgpContext::ExportPublicKey(const std::string& fingerprint, bool armored)
  {
    const std::string fpr = Fingerprint::Normalize(fingerprint);
    LoadKey(fpr, false);   // NotFound rather than an empty export

    ResetOperationState();
    gpgme_set_armor(Gpgme(), armored ? 1 : 0);
    GpgmeData out;
    GpgOperationWatchdog watchdog = Watch();
    // Not "minimal": that would drop the exportable certifications (the
    // site acting as a small CA for its network); local ones never leave.
    Check(gpgme_op_export(Gpgme(), fpr.c_str(), 0, out.Get()),
          ErrorKind::Crypto, "cannot export the key " + Fingerprint::GroupInFours(fpr));
    std::string result = out.ReadAll();
    if (result.empty())
    {
      throw Error(ErrorKind::Crypto, "gpg exported nothing for the key " + Fingerprint::GroupInFours(fpr));
    }
    return result;
  }

  std::string OpenPgpContext::ExportSecretKey(const std::string& fingerprint, const std::string& passphrase)
  {
    const std::string fpr = Fingerprint::Normalize(fingerprint);
    if (passphrase.empty())
    {
      throw Error(ErrorKind::BadInput, "a secret key is only exported protected by a passphrase");
    }
    LoadKey(fpr, true);

    ResetOperationState();
    ScopedPassphrase scope(*this, passphrase);
    gpgme_set_armor(Gpgme(), 1);
    GpgmeData out;
    GpgOperationWatchdog watchdog = Watch();
    Check(gpgme_op_export(Gpgme(), fpr.c_str(), GPGME_EXPORT_MODE_SECRET, out.Get()),
          ErrorKind::Crypto, "cannot export the secret key " + Fingerprint::GroupInFours(fpr));

    std::string result = out.ReadAll();
    if (result.empty())
    {
      throw Error(ErrorKind::Crypto, "gpg exported nothing for the secret key " +
                  Fingerprint::GroupInFours(fpr));
    }
    // gpg re-protects the export with the passphrase that unlocked it; an
    // unprotected key would come out in clear: never hand that out.
    if (!OpenPgpPackets::AreSecretKeysProtected(result))
    {
      throw Error(ErrorKind::Crypto, "the secret key " + Fingerprint::GroupInFours(fpr) +
                  " is not protected by a passphrase; refusing to export it");
    }
    return result;
  }

  void OpenPgpContext::CertifyKey(const std::string& targetFingerprint,
                                  const std::string& siteFingerprint,
                                  bool exportable)
  {
    ForgetKeyStates();
    const std::string target = Fingerprint::Normalize(targetFingerprint);
    const std::string site = Fingerprint::Normalize(siteFingerprint);

    const KeyInfo before = GetKey(target);
    if (before.CertifiedBy(site))
    {
      return;
    }
    if (!before.IsUsable())
    {
      throw Error(ErrorKind::Crypto, "cannot certify the key " + Fingerprint::GroupInFours(target) +
                  ": it is expired, revoked, disabled or invalid");
    }

    GpgmeKey targetKey = LoadKey(target, false);
    GpgmeKey siteKey = LoadKey(site, true);

    ResetOperationState();
    gpgme_signers_clear(Gpgme());
    CheckGpgme(gpgme_signers_add(Gpgme(), siteKey.Get()), ErrorKind::Crypto,
               "cannot use the site key " + Fingerprint::GroupInFours(site) + " for certification");

    const unsigned int flags = GPGME_KEYSIGN_NOEXPIRE | (exportable ? 0 : GPGME_KEYSIGN_LOCAL);
    GpgOperationWatchdog watchdog = Watch();
    const gpgme_error_t error = gpgme_op_keysign(Gpgme(), targetKey.Get(), nullptr, 0, flags);
    gpgme_signers_clear(Gpgme());
    Check(error, ErrorKind::Crypto, "cannot certify the key " + Fingerprint::GroupInFours(target) +
          " with the site key " + Fingerprint::GroupInFours(site));

    const KeyInfo after = GetKey(target);
    if (!after.CertifiedBy(site) || after.validity < KeyValidity::Full)
    {
      throw Error(ErrorKind::Crypto, "the key " + Fingerprint::GroupInFours(target) +
                  " was certified but GnuPG does not consider it valid (validity " +
                  ToString(after.validity) + "); is the site key ultimately trusted in this home?");
    }
  }

  void OpenPgpContext::DeleteKey(const std::string& fingerprint, bool allowSecret)
  {
    ForgetKeyStates();
    const std::string fpr = Fingerprint::Normalize(fingerprint);
    GpgmeKey key = LoadKey(fpr, false);
    if (key.Get()->secret && !allowSecret)
    {
      throw Error(ErrorKind::BadInput, "the key " + Fingerprint::GroupInFours(fpr) +
                  " has a secret part (is it the site key?); refusing to delete it");
    }

    ResetOperationState();
    const unsigned int flags = GPGME_DELETE_FORCE | (allowSecret ? GPGME_DELETE_ALLOW_SECRET : 0);
    Check(gpgme_op_delete_ext(Gpgme(), key.Get(), flags), ErrorKind::Crypto,
          "cannot delete the key " + Fingerprint::GroupInFours(fpr));
  }

  void OpenPgpContext::DeleteSecretKeyOnly(const std::string& fingerprint)
  {
    ForgetKeyStates();
    const std::string fpr = Fingerprint::Normalize(fingerprint);
    // Listing the secret key also starts the agent if it is not running.
    GpgmeKey key = LoadKey(fpr, true);

    // gpg has no "delete only the secret part"; the agent holds the secret
    // keys by keygrip, and its DELETE_KEY removes exactly those.
    const std::string socket = home_.GetAgentSocketPath();
    GpgmeContext agent(home_.GetPath(), GPGME_PROTOCOL_ASSUAN, socket.c_str());

    for (gpgme_subkey_t sub = key.Get()->subkeys; sub != nullptr; sub = sub->next)
    {
      if (sub->keygrip == nullptr)
      {
        continue;
      }
      const std::string command = std::string("DELETE_KEY --force ") + sub->keygrip;
      gpgme_error_t operationError = 0;
      const gpgme_error_t error = gpgme_op_assuan_transact_ext(agent.Get(), command.c_str(),
                                                               nullptr, nullptr, nullptr, nullptr,
                                                               nullptr, nullptr, &operationError);
      CheckGpgme(error, ErrorKind::Crypto, "cannot reach the gpg-agent of " + home_.GetPath());
      if (gpgme_err_code(operationError) != GPG_ERR_NO_SECKEY)
      {
        CheckGpgme(operationError, ErrorKind::Crypto, "gpg-agent cannot delete the secret part of the key " +
                   Fingerprint::GroupInFours(fpr));
      }
    }

    for (const std::string& f : ListSecretFingerprints())
    {
      if (f == fpr)
      {
        throw Error(ErrorKind::Crypto, "the secret part of the key " + Fingerprint::GroupInFours(fpr) +
                    " is still present after its deletion");
      }
    }
  }

  IssuedKeyPair OpenPgpContext::IssueKeyPair(const std::string& name,
                                             const std::string& email,
                                             const std::string& passphrase,
                                             const std::string& algorithm,
                                             const std::string& siteFingerprint)
  {
    if (name.empty() || name.find_first_of("<>") != std::string::npos || HasControlCharacter(name))
    {
      throw Error(ErrorKind::BadInput, "invalid name for a new key: it must be non-empty, without < > or "
                  "control characters");
    }
    const size_t at = email.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == email.size() ||
        email.find_first_of("<> \t\"") != std::string::npos || HasControlCharacter(email))
    {
      throw Error(ErrorKind::BadInput, "invalid e-mail address for a new key: \"" + email.substr(0, 100) + "\"");
    }
    if (passphrase.empty())
    {
      throw Error(ErrorKind::BadInput, "a passphrase is needed to protect the issued secret key");
    }

    const std::string site = Fingerprint::Normalize(siteFingerprint);
    if (!GetKey(site).hasSecret)
    {
      throw Error(ErrorKind::NotFound, "the site key " + Fingerprint::GroupInFours(site) +
                  " has no secret part in this home");
    }

    // The pair is made in a scratch home: the secret part never reaches
    // this home's agent, and the key does not become ultimately trusted here
    // (gpg trusts keys it generates ultimately, and an ultimately trusted
    // partner key would make every key it certifies valid for the site).
    TemporaryGnupgHome scratch(ScratchParent(), home_.GetOptions());
    OpenPgpContext maker(scratch.GetHome());

    IssuedKeyPair pair;
    pair.fingerprint = maker.GenerateKey(name + " <" + email + ">", algorithm, passphrase);
    pair.secretKeyArmored = maker.ExportSecretKey(pair.fingerprint, passphrase);
    pair.publicKeyArmored = maker.ExportPublicKey(pair.fingerprint, true);

    ImportKeys(pair.publicKeyArmored, ImportPolicy::PublicOnly, "the issued public key");
    try
    {
      CertifyKey(pair.fingerprint, site, false);
    }
    catch (...)
    {
      try
      {
        DeleteKey(pair.fingerprint, false);
      }
      catch (...)
      {
      }
      throw;
    }
    return pair;
  }
}
