// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/OpenPgpContext.h"

#include "Core/Common/Wipe.h"
#include "Core/Crypto/Fingerprint.h"
#include "Core/Crypto/GpgmeError.h"
#include "Core/Crypto/GpgmeKey.h"
#include "Core/Crypto/GpgmeLibrary.h"

#include <cstring>

namespace DicomMail
{
  namespace
  {
    // "0123456789ABCDEF Name <mail>" -> "0123456789ABCDEF": the key ID is
    // enough to name the key in messages.
    std::string KeyIdOfHint(const char* hint)
    {
      if (hint == nullptr)
      {
        return "(new key)";
      }
      const char* space = strchr(hint, ' ');
      return space == nullptr ? std::string(hint) : std::string(hint, space);
    }
  }

  OpenPgpContext::OpenPgpContext(const GnupgHome& home) :
    home_(home),
    keyCache_(home.GetPath())
  {
  }

  GpgEngineWrapper& OpenPgpContext::Engine()
  {
    if (!engine_)
    {
      engine_.reset(new GpgEngineWrapper(home_.GetPath(), home_.GetOptions().gpgProgram.empty() ?
                                         GpgmeLibrary::GetGpgEnginePath() : home_.GetOptions().gpgProgram));
    }
    return *engine_;
  }

  gpgme_ctx_t OpenPgpContext::Gpgme()
  {
    if (!context_)
    {
      std::unique_ptr<GpgmeContext> context(new GpgmeContext(home_.GetPath(), GPGME_PROTOCOL_OpenPGP,
                                                             Engine().GetScriptPath().c_str()));
      // Loopback: gpg asks our callback, never a pinentry program (there is
      // no terminal or display in a server).
      CheckGpgme(gpgme_set_pinentry_mode(context->Get(), GPGME_PINENTRY_MODE_LOOPBACK),
                 ErrorKind::Crypto, "cannot select loopback pinentry");
      gpgme_set_passphrase_cb(context->Get(), PassphraseCallback, this);
      gpgme_set_offline(context->Get(), 1);
      context_ = std::move(context);
    }
    return context_->Get();
  }

  OpenPgpContext::~OpenPgpContext() = default;

  void OpenPgpContext::SetPassphraseProvider(PassphraseProvider provider)
  {
    provider_ = std::move(provider);
  }

  gpgme_error_t OpenPgpContext::PassphraseCallback(void* hook, const char* uidHint, const char*,
                                                   int previousWasBad, int fd)
  {
    OpenPgpContext& self = *static_cast<OpenPgpContext*>(hook);
    self.passphraseKeyHint_ = KeyIdOfHint(uidHint);

    if (previousWasBad)
    {
      // Answering again would loop: gpg asks until it gets the right one.
      self.passphraseWasBad_ = true;
      return gpgme_error(GPG_ERR_CANCELED);
    }

    std::string passphrase = self.AnswerPassphrase(uidHint != nullptr ? uidHint : "");
    if (passphrase.empty())
    {
      self.passphraseRefused_ = true;
      return gpgme_error(GPG_ERR_CANCELED);
    }

    passphrase += '\n';
    const int written = gpgme_io_writen(fd, passphrase.data(), passphrase.size());
    WipeString(passphrase);
    return written == 0 ? 0 : gpgme_error_from_syserror();
  }

  std::string OpenPgpContext::AnswerPassphrase(const std::string& hint)
  {
    try
    {
      if (overridePassphrase_ != nullptr)
      {
        return *overridePassphrase_;
      }
      if (provider_)
      {
        return provider_(hint);
      }
    }
    catch (...)
    {
      // A provider that fails counts as a refusal.
    }
    return "";
  }

  GpgOperationWatchdog OpenPgpContext::Watch()
  {
    gpgme_ctx_t context = Gpgme();
    return GpgOperationWatchdog(context, Engine(),
                                std::chrono::seconds(home_.GetOptions().gpgTimeoutSeconds));
  }

  void OpenPgpContext::ResetOperationState()
  {
    passphraseRefused_ = false;
    passphraseWasBad_ = false;
    passphraseKeyHint_.clear();
  }

  gpgme_error_t OpenPgpContext::FindKey(const std::string& fingerprint, bool secret, gpgme_keylist_mode_t mode,
                                        GpgmeKey& key)
  {
    const std::string lookup = fingerprint + (secret ? ":secret:" : ":public:") + std::to_string(mode);
    if (keyCache_.Find(lookup, key))
    {
      return 0;
    }

    // A listing on this context rather than gpgme_get_key(), which makes a
    // context of its own and so starts extra gpg processes on every call.
    SetKeylistMode(mode);
    gpgme_ctx_t ctx = Gpgme();
    GpgOperationWatchdog watchdog = Watch();
    gpgme_error_t error = gpgme_op_keylist_start(ctx, fingerprint.c_str(), secret ? 1 : 0);
    if (error == 0)
    {
      error = gpgme_op_keylist_next(ctx, key.ResetAndGetAddress());
      if (error == 0)
      {
        GpgmeKey second;
        if (gpgme_op_keylist_next(ctx, second.ResetAndGetAddress()) == 0)
        {
          error = gpgme_error(GPG_ERR_AMBIGUOUS_NAME);
        }
      }
    }
    gpgme_op_keylist_end(ctx);
    watchdog.ThrowIfFired();
    if (gpgme_err_code(error) == GPG_ERR_EOF)
    {
      Engine().CheckStarted("cannot look up the key " + fingerprint);   // "absent" only if gpg said so
    }
    if (error == 0)
    {
      keyCache_.Store(lookup, key);
    }
    return error;
  }

  void OpenPgpContext::SetKeylistMode(gpgme_keylist_mode_t mode)
  {
    CheckGpgme(gpgme_set_keylist_mode(Gpgme(), mode), ErrorKind::Crypto,
               "cannot set the GPGME key listing mode");
  }

  void OpenPgpContext::Check(gpgme_error_t error, ErrorKind kind, const std::string& what) const
  {
    GpgOperationWatchdog::ThrowIfFiredOnThisThread();

    const gpgme_err_code_t code = gpgme_err_code(error);
    if (code == GPG_ERR_NO_ERROR)
    {
      return;
    }
    if (passphraseWasBad_ || code == GPG_ERR_BAD_PASSPHRASE)
    {
      throw Error(ErrorKind::Crypto, what + ": wrong passphrase for the key " + passphraseKeyHint_);
    }
    if (passphraseRefused_)
    {
      throw Error(ErrorKind::Crypto, what + ": no passphrase is available for the key " +
                  passphraseKeyHint_ + " (it is protected)");
    }
    throw Error(kind, what + ": " + DescribeGpgmeError(error));
  }

  GpgmeKey OpenPgpContext::LoadKey(const std::string& fingerprint, bool secret, bool withSignatures)
  {
    const std::string fpr = Fingerprint::Normalize(fingerprint);

    gpgme_keylist_mode_t mode = GPGME_KEYLIST_MODE_LOCAL;
    if (secret)
    {
      mode |= GPGME_KEYLIST_MODE_WITH_KEYGRIP;
    }
    else
    {
      mode |= GPGME_KEYLIST_MODE_WITH_SECRET;
      if (withSignatures)
      {
        mode |= GPGME_KEYLIST_MODE_SIGS;
      }
    }
    GpgmeKey key;
    const gpgme_error_t error = FindKey(fpr, secret, mode, key);
    const gpgme_err_code_t code = gpgme_err_code(error);
    // A fingerprint that only matches a subkey is not this key either.
    if (code == GPG_ERR_EOF ||
        (code == GPG_ERR_NO_ERROR && (key.Get() == nullptr || key.Get()->subkeys == nullptr ||
                                      !Fingerprint::Matches(key.Get()->subkeys->fpr, fpr))))
    {
      throw Error(ErrorKind::NotFound, std::string("no OpenPGP ") + (secret ? "secret " : "") +
                  "key with fingerprint " + Fingerprint::GroupInFours(fpr) + " in the keyring");
    }
    if (code == GPG_ERR_AMBIGUOUS_NAME)
    {
      throw Error(ErrorKind::BadInput, "the fingerprint " + Fingerprint::GroupInFours(fpr) +
                  " matches more than one key");
    }
    CheckGpgme(error, ErrorKind::Crypto, "cannot look up the key " + Fingerprint::GroupInFours(fpr));
    return key;
  }
}
