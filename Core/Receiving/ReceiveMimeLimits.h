// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Mime/MimeLimits.h"

namespace DicomMail
{
  // The configured receive limits as parser limits.
  namespace ReceiveMimeLimits
  {
    // For the clear-text mail: decoded bodies up to the mail size.
    MimeLimits ForMail(const ReceiveLimits& limits);

    // For the decrypted entity: decoded bodies up to the decompressed size.
    MimeLimits ForEntity(const ReceiveLimits& limits);
  }
}
