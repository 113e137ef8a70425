// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Mime/IMimeHandler.h"
#include "Core/Mime/MimeHeaders.h"
#include "Core/Mime/MimeInput.h"
#include "Core/Mime/MimeLimits.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // Streaming, event-driven MIME parser (RFC 2045/2046): reads a message
  // from a ByteSource in constant memory (mails of 1 GB), reports the tree
  // to an IMimeHandler and decodes leaf bodies (base64, quoted-printable,
  // 7bit/8bit/binary) into the sinks the handler hands out.
  //
  // Multiparts nest (preamble and epilogue are skipped, transport padding
  // after boundaries accepted); message/rfc822 and message/partial are leaves
  // (their raw content is the body). CRLF and bare LF line ends are both read.
  // Hostile input gives Error(BadInput) or Error(LimitExceeded) naming what
  // was wrong, e.g. "multipart/mixed (part 1.2): boundary "x" never closed".
  class MimeParser
  {
  public:
    MimeParser(ByteSource& source, IMimeHandler& handler, const MimeLimits& limits = MimeLimits());
    MimeParser(const MimeParser&) = delete;
    MimeParser& operator=(const MimeParser&) = delete;

    // Parses the whole input; call once.
    void Parse();

    // Position of the current part in the tree, "" for the top level, then
    // "1", "2", "2.1", ... (1-based, like IMAP part numbers). Valid inside
    // the handler's callbacks.
    std::string GetCurrentPartPath() const;

    uint64_t GetBytesRead() const
    {
      return input_.GetOffset();
    }

  private:
    MimeInput::Delimiter ParseEntity(unsigned int depth, const std::string* parentBoundary);
    bool ReadHeaders(MimeHeaders& headers, const std::string* parentBoundary, bool topLevel);
    MimeInput::Delimiter ParseLeaf(unsigned int depth, const MimeHeaders& headers,
                                   const std::string* parentBoundary);
    MimeInput::Delimiter ParseMultipart(unsigned int depth, const MimeHeaders& headers,
                                        const ContentType& type, const std::string* parentBoundary);
    std::string Where() const;

    MimeInput input_;
    IMimeHandler& handler_;
    MimeLimits limits_;
    size_t parts_ = 0;
    uint64_t decodedBytes_ = 0;
    std::vector<size_t> path_;
    bool parsed_ = false;
  };

  // Reads only the top-level header block (e.g. to look at X-TELEMEDICINE-*
  // and Content-Type without touching the body). The source is read in
  // chunks, so it is left past the header block at an unspecified position;
  // "bodyOffset", if given, receives the offset of the first body byte.
  MimeHeaders ParseHeaderBlock(ByteSource& source, const MimeLimits& limits = MimeLimits(),
                               uint64_t* bodyOffset = nullptr);
}
