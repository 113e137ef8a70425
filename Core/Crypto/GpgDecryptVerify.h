// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Crypto/GpgSession.h"
#include "Core/Crypto/LoopbackPassphrase.h"
#include "Core/Crypto/VerifyResult.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // Decryption and signature check of a stream by one gpg process (see
  // GpgProcess for why not through GPGME). Plaintext reaches "plain" before
  // gpg has checked the signature and the integrity at the end: the caller
  // must hold it back until Run() returned.
  class GpgDecryptVerify
  {
  public:
    using Request = GpgSession;

    // Throws Error(Crypto, "cannot decrypt: ...") if the message cannot be
    // decrypted or is damaged; never for its signatures, which it reports.
    // Errors of "cipher" and "plain" propagate unchanged.
    static VerifyResult Run(const Request& request, ByteSource& cipher, ByteSink& plain,
                            const LoopbackPassphrase::Answer& passphrase);

    // The command line, without the program (for tests and diagnostics).
    static std::vector<std::string> BuildArguments(const Request& request);
  };
}
