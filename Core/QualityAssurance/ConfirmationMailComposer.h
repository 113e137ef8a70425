// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/OpenPgpContext.h"
#include "Core/QualityAssurance/ImageQualityConfirmation.h"
#include "Core/Sending/MailEnvelope.h"
#include "Core/Sending/SignedMailComposer.h"

#include <string>

namespace DicomMail
{
  // The small mail that reports an image-quality confirmation back to the
  // sender of a QA test (#17): signed and encrypted like a transfer mail,
  // the confirmation only inside the encryption; the clear headers carry no
  // X-TELEMEDICINE-* (it is no transfer) and no name.
  class ConfirmationMailComposer
  {
  public:
    static const char* const kSubject;

    // Writes "path"; throws on failure (the caller removes the file).
    static ComposedSignedMail Compose(const ImageQualityConfirmation& confirmation,
                                      const SignedMailAddressing& addressing,
                                      const MailProtection& protection,
                                      OpenPgpContext& crypto,
                                      const std::string& path);
  };
}
