// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementDisposition.h"
#include "Core/Common/ByteStream.h"
#include "Core/Mime/MimeLimits.h"

#include <string>

namespace DicomMail
{
  // What an acknowledgement we received says.
  struct AcknowledgementReport
  {
    std::string reportingUa;         // as written
    std::string finalRecipient;      // the address, without "rfc822;" and angle brackets
    std::string originalMessageId;   // as written, e.g. "<...@site-a.example>"
    Disposition disposition = Disposition::Deleted;
    std::string dispositionText;     // the Disposition value as written
    std::string setId;               // X-TELEMEDICINE-SET* of the report entity, empty when absent
    std::string setPart;
    std::string humanText;           // the first text/plain part, at most 4 KB, for display only
    // X-DICOM-Mail-Capabilities names binary-parts. Worth something only
    // when the report was inside a verified signature (AcknowledgementResult::valid).
    bool readsBinaryParts = false;
    int64_t completedMs = 0;         // X-DICOM-Mail-Completed, 0 when absent; trusted as readsBinaryParts is
    std::string publicKey;           // application/pgp-keys part of the report (#22), "" when none or too large
  };

  // Reads RFC 3798 acknowledgements: lenient about white space, case and
  // folding; strict about the four fields we act on (Reporting-UA,
  // Final-Recipient, Original-Message-ID, Disposition): each must be
  // present exactly once, else Error(BadInput) naming it.
  class AcknowledgementParser
  {
  public:
    // The body of a message/disposition-notification part, e.g. taken from
    // an entity the caller already parsed.
    static AcknowledgementReport ParseFields(const std::string& notificationBody);

    // A multipart/report entity (or a whole mail around one): finds the
    // message/disposition-notification part at any depth.
    static AcknowledgementReport Parse(ByteSource& entity, const MimeLimits& limits = MimeLimits());
    static AcknowledgementReport Parse(const std::string& entity);

    // Bodies of message/disposition-notification parts larger than this are refused.
    static constexpr size_t kMaxNotificationBytes = 64 * 1024;
  };
}
