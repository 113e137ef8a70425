// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/ImageQualityConfirmation.h"
#include "Core/Store/Database.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // The sender's side of an image-quality confirmation (#17): the mail's
  // signature was accepted for "partner" already; it counts only for a QA
  // transfer (daily test or monthly measurement) we sent to that partner.
  namespace ImageQualityReceipt
  {
    // True when recorded (or recorded before); false with "problem" when
    // it names no QA transfer in our outbox to that partner.
    bool Record(Database& db, const std::string& partner, const std::string& signerFingerprint,
                const ImageQualityConfirmation& confirmation, int64_t nowMs, std::string& problem);
  }
}
