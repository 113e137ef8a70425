// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/Error.h"

#include <string>

namespace DicomMail
{
  // A failure talking to a mail server, classified so that a job knows
  // whether to retry:
  //  - permanent: the server refused for good (SMTP 5xx, IMAP NO/BAD, POP3
  //    -ERR, authentication failed, TLS verification failed, bad URL);
  //    retrying unchanged will fail again;
  //  - temporary: SMTP 4xx, connection refused or lost, timeout, stall;
  //  - cancelled: the progress callback asked to stop (job cancel, shutdown).
  // The message names the operation, the server (without credentials) and,
  // when there was one, the server's last error reply line.
  class TransportError : public Error
  {
  public:
    enum class Nature
    {
      Temporary,
      Permanent,
      Cancelled
    };

    TransportError(Nature nature, const std::string& message, long responseCode, const std::string& serverReply) :
      Error(ErrorKind::Transport, message),
      nature_(nature),
      responseCode_(responseCode),
      serverReply_(serverReply)
    {
    }

    Nature GetNature() const
    {
      return nature_;
    }

    bool IsPermanent() const
    {
      return nature_ == Nature::Permanent;
    }

    bool IsTemporary() const
    {
      return nature_ == Nature::Temporary;
    }

    bool IsCancelled() const
    {
      return nature_ == Nature::Cancelled;
    }

    // SMTP reply code (e.g. 550), 0 when there was none (IMAP, POP3, network).
    long GetResponseCode() const
    {
      return responseCode_;
    }

    // The server's error reply line, e.g. "550 5.1.1 <x@y>: Recipient address
    // rejected: ..."; empty when the server said nothing wrong.
    const std::string& GetServerReply() const
    {
      return serverReply_;
    }

  private:
    Nature nature_;
    long responseCode_;
    std::string serverReply_;
  };
}
