// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/KeyInfo.h"

#include <json/value.h>

namespace DicomMail
{
  // The REST shape of a key. Never carries secret material.
  Json::Value KeyToJson(const KeyInfo& key, const std::string& siteFingerprint, unsigned int warningDays);

  // The key (or its last encryption subkey) expires within "warningDays"
  // or has expired already.
  bool KeyExpiresSoon(const KeyInfo& key, unsigned int warningDays);
}
