// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // Outcome of one SmtpSender::Send. Exactly one of ok, permanent, temporary,
  // cancelled is true.
  struct SmtpResult
  {
    bool ok = false;
    bool permanent = false;   // 5xx, authentication or TLS verification failed: do not retry
    bool temporary = false;   // 4xx, connection refused/lost, timeout: retry later
    bool cancelled = false;   // the progress callback returned false

    // Last SMTP reply code: 250 on success, e.g. 550 or 535 on failure, 0 if
    // the server never answered.
    long responseCode = 0;

    // Human-readable: on success the server's reply (it holds the queue id,
    // "250 2.0.0 Ok: queued as 4Nxyz"), on failure what went wrong, including
    // the server's reply line.
    std::string message;

    // The send went over the connection left open by an earlier Send().
    bool reusedConnection = false;

    // The server's reply line alone (success or error), empty if none.
    std::string serverReply;
  };
}
