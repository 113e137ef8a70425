// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/KeyInfo.h"

#include <gpgme.h>

namespace DicomMail
{
  // Copies what GPGME reports about "key" into a plain KeyInfo. The
  // certifications are only there if the key was listed with
  // GPGME_KEYLIST_MODE_SIGS, the secret flag with ..._WITH_SECRET.
  KeyInfo MakeKeyInfo(gpgme_key_t key);

  KeyValidity ToKeyValidity(gpgme_validity_t validity);
}
