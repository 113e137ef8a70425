// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/Error.h"

#include <functional>
#include <gpgme.h>
#include <string>

namespace DicomMail
{
  class GpgProcess;

  // The passphrase dialogue of a gpg run with "--pinentry-mode loopback
  // --command-fd": gpg names the key (USERID_HINT) and asks (GET_HIDDEN
  // passphrase.enter); the answer goes to the command channel. Also stops a
  // run at any other question, as nobody is there to answer it.
  class LoopbackPassphrase
  {
  public:
    // Gets gpg's hint (long key ID and user ID) and returns the passphrase,
    // or "" to refuse. Only called for a protected key.
    using Answer = std::function<std::string(const std::string& hint)>;

    // "what" starts error messages, e.g. "cannot decrypt".
    LoopbackPassphrase(GpgProcess& process, const Answer& answer, const std::string& what);

    // Takes the lines of the dialogue and gpg's questions; false for any
    // other line. Throws Error(Crypto) for a refused or repeated question.
    bool Handle(const std::string& keyword, const std::string& arguments);

    // After the run: throws Error(Crypto) naming the key if gpg rejected the
    // passphrase ("failure": the code of gpg's FAILURE line, 0 if none).
    void ThrowIfRejected(gpgme_error_t failure) const;

  private:
    Error WrongPassphrase() const;

    GpgProcess& process_;
    const Answer& answer_;
    std::string what_;
    std::string hint_;
    bool rejected_ = false;
  };
}
