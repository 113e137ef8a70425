// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // Random identifiers (128 bits from the kernel's CSPRNG).
  namespace MimeIdentifiers
  {
    // "=_DM_" + 32 hex digits. "=_" can never occur in base64 or
    // quoted-printable content, so the boundary cannot collide with a body.
    std::string GenerateBoundary();

    // "<32 hex digits@domain>", angle brackets included. Throws
    // Error(BadInput) if "domain" is not a plain host name.
    std::string GenerateMessageId(const std::string& domain);

    // "bytes" random bytes as lowercase hex.
    std::string RandomHex(size_t bytes);
  }
}
