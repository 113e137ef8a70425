// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Sending/MailEnvelope.h"
#include "Core/Sending/SignedMailComposer.h"

#include <string>

namespace DicomMail
{
  // A small mail between sites that is no transfer (a QA confirmation, a
  // key announcement): signed and encrypted like a transfer mail, its
  // message only inside the encryption; the clear headers carry From, To,
  // Date, Message-ID, a fixed subject and no X-TELEMEDICINE-*.
  namespace EncryptedControlMail
  {
    // Writes "path"; throws on failure (the caller removes the file).
    // "addressing.subject" wins over "defaultSubject" when set.
    ComposedSignedMail Compose(ByteSource& entity, const std::string& defaultSubject,
                               const SignedMailAddressing& addressing, const MailProtection& protection,
                               OpenPgpContext& crypto, const std::string& path);
  }
}
