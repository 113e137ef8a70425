// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Crypto/EncryptDetails.h"
#include "Core/Crypto/GpgSession.h"
#include "Core/Crypto/LoopbackPassphrase.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // One-pass sign+encrypt of a stream by one gpg process (see GpgProcess for
  // why not through GPGME), with binary output. The caller has checked the
  // keys; gpg still refuses a recipient it does not trust, and that refusal
  // is reported as Error(Untrusted).
  class GpgSignEncrypt
  {
  public:
    struct Request : GpgSession
    {
      std::vector<std::string> recipientFingerprints;
      std::string signerFingerprint;
      bool compress = true;
      std::string fileName;   // for the literal data packet; "" for none
    };

    // The passphrase of the signing key, if it is protected.
    using PassphraseAnswer = LoopbackPassphrase::Answer;

    // Throws Error(Untrusted) if gpg refuses only uncertified recipients,
    // Error(Crypto) for other refusals, a wrong or missing passphrase and
    // failures of gpg; errors of "plain" and "cipher" propagate unchanged.
    static EncryptDetails Run(const Request& request, ByteSource& plain, ByteSink& cipher,
                              const PassphraseAnswer& passphrase);

    // The command line, without the program (for tests and diagnostics).
    static std::vector<std::string> BuildArguments(const Request& request);
  };
}
