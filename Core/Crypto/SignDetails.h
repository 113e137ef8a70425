// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  struct SignDetails
  {
    std::string hashAlgorithm;     // "SHA512"
    std::string micalg;            // RFC 3156 "micalg" parameter: "pgp-sha512"
    std::string signerFingerprint;
  };
}
