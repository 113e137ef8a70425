// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Mime/MimeHeaders.h"
#include "Core/Sending/MailEnvelope.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Writes an RFC 3156 multipart/encrypted mail (docs/wire-format.md §2):
  // the clear "headers", then "entity" signed and encrypted in one pass
  // into the armored part. Shared by transfer mails and the small QA
  // confirmation mails, so both leave in the same shape.
  namespace EncryptedMailWriter
  {
    // Writes "path" (created 0600, synced); returns its size. Throws on
    // failure; the caller removes the file.
    uint64_t Write(const MimeHeaders& headers, ByteSource& entity, OpenPgpContext& crypto,
                   const MailProtection& protection, const std::string& path);
  }
}
