// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace DicomMail
{
  // Content-Transfer-Encoding of a leaf part written by MimeWriter.
  enum class TransferEncoding
  {
    SevenBit,   // no header written (the RFC 2045 default); caller guarantees 7-bit CRLF text
    EightBit,   // "8bit"
    Binary,     // "binary"
    Base64      // "base64", encoded by the writer
  };
}
