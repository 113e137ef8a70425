// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/LoopbackPassphrase.h"
#include "Core/Crypto/SignatureStatusCollector.h"
#include "Core/Crypto/VerifyResult.h"

#include <gpgme.h>
#include <string>

namespace DicomMail
{
  class GpgProcess;

  // Follows the status lines of one "gpg --verify" run of a detached
  // signature: collects the signatures; nothing in it has a passphrase.
  class VerifyStatus
  {
  public:
    explicit VerifyStatus(GpgProcess& process);

    void Handle(const std::string& keyword, const std::string& arguments);

    // Throws Error(Crypto) if there was no signature to check; otherwise
    // reports every signature, judged but not accepted or refused here.
    VerifyResult Conclude() const;

  private:
    LoopbackPassphrase::Answer noPassphrase_;
    LoopbackPassphrase questions_;
    SignatureStatusCollector signatures_;
    bool noData_ = false;
    gpgme_error_t failure_ = 0;
  };
}
