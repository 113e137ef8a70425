// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Notices/NoticeText.h"
#include "Core/Sending/SignedMailComposer.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // Writes a notice to people as a clear-signed mail (RFC 3156
  // multipart/signed, by SignedMailComposer): the person likely has no key,
  // so it is not encrypted, and it holds no patient data (NoticeFacts).
  // The signed entity is one text/plain part, UTF-8 in base64 (a signed
  // part must survive any mail server unchanged).
  namespace NoticeComposer
  {
    // The signed entity alone (CRLF line ends), for tests.
    std::string BuildEntity(const NoticeMessage& message);

    // Writes "path" (the caller removes it); throws on failure.
    ComposedSignedMail Compose(const NoticeFacts& facts, const std::string& fromAddress,
                               const std::string& fromName, const std::vector<std::string>& to,
                               const std::string& signerFingerprint, OpenPgpContext& crypto,
                               const std::string& path);
  }
}
