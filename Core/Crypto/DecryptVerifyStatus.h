// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/LoopbackPassphrase.h"
#include "Core/Crypto/SignatureStatusCollector.h"
#include "Core/Crypto/VerifyResult.h"

#include <gpgme.h>
#include <string>
#include <vector>

namespace DicomMail
{
  class GpgProcess;

  // Follows the status lines of one "gpg --decrypt" run (GnuPG's
  // doc/DETAILS): answers the passphrase question, collects the signatures
  // and decides at the end whether the message was decrypted and intact.
  class DecryptVerifyStatus
  {
  public:
    DecryptVerifyStatus(GpgProcess& process, const LoopbackPassphrase::Answer& passphrase);

    void Handle(const std::string& keyword, const std::string& arguments);

    // After gpg ended: throws Error(Crypto, "cannot decrypt: ...") unless gpg
    // decrypted the whole message and confirmed its integrity (MDC).
    // Signatures are reported, never judged here.
    VerifyResult Conclude() const;

  private:
    GpgProcess& process_;
    LoopbackPassphrase passphrase_;
    SignatureStatusCollector signatures_;
    std::vector<std::string> recipientKeyIds_;   // ENC_TO
    bool noSecretKey_ = false;
    bool okay_ = false;
    bool failed_ = false;
    bool goodMdc_ = false;
    bool badMdc_ = false;
    bool noData_ = false;
    bool wrongKeyUsage_ = false;
    int mdcMethod_ = -1;
    int aeadAlgorithm_ = 0;
    std::string cipherAlgorithm_;
    std::string fileName_;
    std::string unsupportedAlgorithm_;
    gpgme_error_t failure_ = 0;
  };
}
