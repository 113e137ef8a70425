// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/ConfirmationMailComposer.h"

#include "Core/Sending/EncryptedControlMail.h"

namespace DicomMail
{
  const char* const ConfirmationMailComposer::kSubject = "DICOM-eMail QA confirmation";

  ComposedSignedMail ConfirmationMailComposer::Compose(const ImageQualityConfirmation& confirmation,
                                                       const SignedMailAddressing& addressing,
                                                       const MailProtection& protection,
                                                       OpenPgpContext& crypto,
                                                       const std::string& path)
  {
    StringSource entity(ImageQualityConfirmations::ComposeEntity(confirmation));
    return EncryptedControlMail::Compose(entity, kSubject, addressing, protection, crypto, path);
  }
}
