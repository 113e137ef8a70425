// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Transport/CurlSession.h"
#include "Core/Transport/MailAccount.h"
#include "Core/Transport/SmtpResult.h"
#include "Core/Transport/TransferProgress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // Sends mail over SMTP (smtp:// with STARTTLS, or smtps://) with AUTH,
  // streaming the message from a ByteSource. Several Send() calls on one
  // object reuse one connection (libcurl goes straight to MAIL FROM) while it
  // stays open; libcurl reconnects transparently when the server closed it.
  // Not thread-safe: one SmtpSender per thread.
  class SmtpSender
  {
  public:
    // "ehloName" is announced in EHLO (the client's host name, e.g. from the
    // configuration); empty = the path of the account URL, or libcurl's
    // default when that is empty too. Throws Error(Configuration) for a URL
    // that is not smtp:// or smtps:// or a malformed EHLO name.
    explicit SmtpSender(const MailAccount& account, const std::string& ehloName = "");

    // Sends "size" bytes of "message" (an RFC 5322 message with CRLF line
    // ends; libcurl does the dot-stuffing) from "from" ("" for the null
    // sender "<>", as for MDNs) to every recipient. The size is announced
    // (SIZE=), so a server refuses an oversized mail at MAIL FROM, before any
    // data is sent. All recipients must be accepted, or nothing is sent.
    //
    // Server and network failures come back classified in the result, never
    // as an exception. Throws Error(BadInput) for a malformed address or a
    // message source that does not hold exactly "size" bytes, and rethrows
    // whatever the source or the progress callback throws.
    //
    // "progress" gets (bytes uploaded, size); returning false cancels
    // (result.cancelled) within about a second.
    SmtpResult Send(const std::string& from,
                    const std::vector<std::string>& recipients,
                    ByteSource& message,
                    uint64_t size,
                    const TransferProgress& progress = TransferProgress());

    // QUIT now instead of when the object goes.
    void Close();

  private:
    CurlSession session_;
    std::string url_;
  };
}
