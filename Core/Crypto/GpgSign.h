// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Crypto/GpgSession.h"
#include "Core/Crypto/LoopbackPassphrase.h"
#include "Core/Crypto/SignDetails.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // A signature by one gpg process (see GpgProcess for why not through
  // GPGME): detached and armored for RFC 3156 multipart/signed, the MDNs.
  // Binary mode: the caller canonicalises line ends itself.
  class GpgSign
  {
  public:
    struct Request : GpgSession
    {
      std::string signerFingerprint;
      bool detached = true;
      bool armored = true;
    };

    // Throws Error(Crypto, "cannot sign with the key ...") naming gpg's
    // reason, a wrong or missing passphrase; stream errors propagate.
    static SignDetails Run(const Request& request, ByteSource& data, ByteSink& signature,
                           const LoopbackPassphrase::Answer& passphrase);

    // The command line, without the program (for tests and diagnostics).
    static std::vector<std::string> BuildArguments(const Request& request);
  };
}
