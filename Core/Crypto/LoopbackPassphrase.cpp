// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/LoopbackPassphrase.h"

#include "Core/Common/Wipe.h"
#include "Core/Crypto/GpgProcess.h"

namespace DicomMail
{
  namespace
  {
    // "0123456789ABCDEF Name <mail>" -> "0123456789ABCDEF"
    std::string KeyIdOfHint(const std::string& hint)
    {
      return hint.empty() ? "(unknown)" : hint.substr(0, hint.find(' '));
    }
  }

  LoopbackPassphrase::LoopbackPassphrase(GpgProcess& process, const Answer& answer, const std::string& what) :
    process_(process),
    answer_(answer),
    what_(what)
  {
  }

  bool LoopbackPassphrase::Handle(const std::string& keyword, const std::string& arguments)
  {
    if (keyword == "USERID_HINT")
    {
      hint_ = arguments;
      return true;
    }
    if (keyword == "BAD_PASSPHRASE")
    {
      rejected_ = true;
      return true;
    }
    if (keyword == "GET_HIDDEN" && arguments == "passphrase.enter")
    {
      if (rejected_)
      {
        // Answering again would loop: gpg asks until it gets the right one.
        throw WrongPassphrase();
      }
      std::string passphrase = answer_ ? answer_(hint_) : "";
      if (passphrase.empty())
      {
        throw Error(ErrorKind::Crypto, what_ + ": no passphrase is available for the key " +
                    KeyIdOfHint(hint_) + " (it is protected)");
      }
      passphrase += '\n';
      process_.SendCommand(passphrase);
      WipeString(passphrase);
      return true;
    }
    if (keyword == "GET_BOOL" || keyword == "GET_LINE" || keyword == "GET_HIDDEN")
    {
      throw Error(ErrorKind::Crypto, what_ + ": gpg asked an unexpected question (" + arguments + ")");
    }
    return false;
  }

  void LoopbackPassphrase::ThrowIfRejected(gpgme_error_t failure) const
  {
    // gpg-agent refuses a wrong passphrase with a FAILURE line, older gpg
    // versions with BAD_PASSPHRASE.
    if (rejected_ || gpgme_err_code(failure) == GPG_ERR_BAD_PASSPHRASE)
    {
      throw WrongPassphrase();
    }
  }

  Error LoopbackPassphrase::WrongPassphrase() const
  {
    return Error(ErrorKind::Crypto, what_ + ": wrong passphrase for the key " + KeyIdOfHint(hint_));
  }
}
