// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Crypto/GpgSession.h"
#include "Core/Crypto/VerifyResult.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // Checks a detached signature (RFC 3156 multipart/signed: the MDNs) by one
  // gpg process (see GpgProcess for why not through GPGME). The signature
  // reaches gpg in memory on fd 5, the signed data on its stdin.
  class GpgVerify
  {
  public:
    using Request = GpgSession;

    // Reports the signatures, never refuses one: the caller decides. Throws
    // Error(Crypto) if "detachedSignature" holds no signature at all.
    static VerifyResult Run(const Request& request, const std::string& detachedSignature,
                            ByteSource& signedData);

    // The command line, without the program (for tests and diagnostics).
    static std::vector<std::string> BuildArguments(const Request& request);
  };
}
