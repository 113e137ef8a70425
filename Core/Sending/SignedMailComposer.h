// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Mime/MimeHeaders.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  struct ComposedSignedMail
  {
    std::string path;
    uint64_t size = 0;
    std::string messageId;
  };

  // Who a signed mail is from and to. Names are UTF-8 (may be empty),
  // encoded by MailboxFormatter; the subject by EncodedWords.
  struct SignedMailAddressing
  {
    std::string fromName;
    std::string fromAddress;
    std::vector<std::string> toAddresses;
    std::string toName;          // for the first address only; "" for none
    std::string subject;
  };

  // Writes a complete RFC 3156 multipart/signed mail, clear-signed by the
  // site key: first part "entity" exactly as given (CRLF throughout: it is
  // what the signature covers), second the detached armored signature. The
  // header carries From, To, Date, Message-ID, Subject, MIME-Version, then
  // "extraHeaders". Our acknowledgements and our notices to people are
  // written by it; neither carries patient data.
  class SignedMailComposer
  {
  public:
    // Writes "path" and closes it; throws on failure (the caller removes the file).
    static ComposedSignedMail Compose(const SignedMailAddressing& addressing,
                                      const MimeHeaders& extraHeaders,
                                      const std::string& entity,
                                      const std::string& signerFingerprint,
                                      OpenPgpContext& crypto,
                                      const std::string& path);
  };
}
