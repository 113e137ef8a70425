// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Transport/TransportError.h"

#include <string>

namespace DicomMail
{
  // What an SMTP error reply means for the sender. Plain reply codes say
  // 4xx temporary, 5xx permanent; one case is turned round: a recipient's
  // mailbox that is full (RFC 3463 enhanced status X.2.2, with 452 or 552)
  // is temporary whatever the first digit says, because it clears once the
  // partner's side has taken its mail off the server.
  namespace SmtpReply
  {
    // The three-digit code at the start of "line" ("552 5.2.2 ..."), or 0.
    long ParseCode(const std::string& line);

    // The enhanced status code after the reply code ("5.2.2"), or "".
    std::string ParseEnhancedCode(const std::string& line);

    // 452 or 552 with enhanced code 4.2.2 / 5.2.2.
    bool IsMailboxFull(long code, const std::string& line);

    TransportError::Nature Classify(long code, const std::string& line);

    // The words the outbox and the job show for a full mailbox.
    extern const char* const kMailboxFull;
  }
}
