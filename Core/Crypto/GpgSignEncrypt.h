// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Crypto/EncryptDetails.h"

#include <functional>
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
    struct Request
    {
      std::string gpgPath;
      std::string homePath;
      std::vector<std::string> recipientFingerprints;
      std::string signerFingerprint;
      bool compress = true;
      std::string fileName;   // for the literal data packet; "" for none
      unsigned int inactivityTimeoutSeconds = 600;   // see GpgProcess::SetInactivityTimeout
    };

    // Gets gpg's hint (long key ID and user ID) and returns the passphrase of
    // the signing key, or "" to refuse. Only called for a protected key.
    using PassphraseAnswer = std::function<std::string(const std::string& hint)>;

    // Throws Error(Untrusted) if gpg refuses only uncertified recipients,
    // Error(Crypto) for other refusals, a wrong or missing passphrase and
    // failures of gpg; errors of "plain" and "cipher" propagate unchanged.
    static EncryptDetails Run(const Request& request, ByteSource& plain, ByteSink& cipher,
                              const PassphraseAnswer& passphrase);

    // The command line, without the program (for tests and diagnostics).
    static std::vector<std::string> BuildArguments(const Request& request);
  };
}
