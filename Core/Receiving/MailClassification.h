// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Receiving/MailKind.h"
#include "Core/Receiving/SetHeaderValues.h"
#include "Core/Transfer/PartialFragmentInfo.h"

#include <ctime>
#include <string>

namespace DicomMail
{
  // The outer (clear-text, unauthenticated) facts of one mail.
  struct MailClassification
  {
    MailKind kind = MailKind::Other;
    MailKind structuralKind = MailKind::Other;   // what the structure says, also when kind is Malformed
    std::string reason;                          // why Malformed (UTF-8, no header bytes raw)

    std::string contentType;                     // "multipart/encrypted", ...
    std::string fromAddress;                     // lower-case addr-spec, "" if none
    std::string fromName;                        // decoded display name, for display only
    std::string messageId;                       // as written, "<...>"
    std::string dateText;                        // the Date value as written
    time_t date = 0;                             // parsed Date; 0 when absent or unparsable
    bool hasDate = false;
    std::string dispositionNotificationTo;       // lower-case addr-spec, "" if none

    // Validated X-TELEMEDICINE-SET* (present == false when absent). For an
    // acknowledgement only setId / part are read (it has no SETTOTAL).
    SetHeaderValues set;

    // For Partial: what the fragment header says.
    PartialFragmentInfo partial;

    // For Acknowledgement: true for RFC 3156 multipart/signed around the
    // report, false for a bare multipart/report (which cannot be trusted).
    bool acknowledgementSigned = false;
  };
}
