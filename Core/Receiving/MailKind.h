// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace DicomMail
{
  // What a mail in the inbox is, judged from its top-level header block.
  enum class MailKind
  {
    DicomMail,         // multipart/encrypted (or claims to be DICOM-Mail): give it to DicomMailProcessor
    Partial,           // message/partial fragment: reassemble first
    Acknowledgement,   // an MDN (signed, or a bare untrusted report): AcknowledgementReader
    Other,             // not ours: leave it alone
    Malformed          // ours, but the headers are invalid (reason given): keep it, report it
  };

  const char* ToString(MailKind kind);
}
