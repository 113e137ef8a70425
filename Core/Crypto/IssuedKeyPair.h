// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // The one-time answer when the site issues a key pair for a partner: the
  // site keeps only the (certified) public part.
  struct IssuedKeyPair
  {
    std::string fingerprint;
    std::string publicKeyArmored;
    std::string secretKeyArmored;   // protected by the partner's passphrase; never log or store it
  };
}
