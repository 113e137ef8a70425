// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // What gpg chose while signing and encrypting one message.
  struct EncryptDetails
  {
    std::string cipherAlgorithm;   // "AES256", from gpg's BEGIN_ENCRYPTION status; "" if not reported
    std::string hashAlgorithm;     // "SHA512"
    std::string signerFingerprint;
  };
}
