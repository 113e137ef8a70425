// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Mime/MimeHeaders.h"

#include <cstdint>

namespace DicomMail
{
  // Events of MimeParser, in document order. "depth" is 0 for the top-level
  // entity, 1 for the parts of a top-level multipart, and so on.
  //
  //   multipart entity:  OnMultipartBegin, (its parts), OnMultipartEnd
  //   leaf entity:       OnHeaders, body into the returned sink, OnPartEnd
  //
  // Anything thrown from a handler aborts the parse and propagates.
  class IMimeHandler
  {
  public:
    virtual ~IMimeHandler() = default;

    virtual void OnMultipartBegin(unsigned int depth, const MimeHeaders& headers)
    {
      (void) depth;
      (void) headers;
    }

    virtual void OnMultipartEnd(unsigned int depth)
    {
      (void) depth;
    }

    // Called for each leaf entity. Return a sink for its decoded body
    // (Content-Transfer-Encoding undone), or nullptr to skip the body. The
    // sink must stay valid until OnPartEnd; the parser calls its Flush() at
    // the end of the body. A transfer encoding other than base64,
    // quoted-printable, 7bit, 8bit, binary is an error only if a sink is
    // returned.
    virtual ByteSink* OnHeaders(unsigned int depth, const MimeHeaders& headers) = 0;

    // End of the leaf announced by the last OnHeaders; "decodedSize" is the
    // number of bytes written to its sink (0 if skipped).
    virtual void OnPartEnd(unsigned int depth, uint64_t decodedSize)
    {
      (void) depth;
      (void) decodedSize;
    }

    // Called before part "index" (0-based) of a multipart at depth
    // "depth - 1" is parsed. Return a sink to also receive that part's raw
    // bytes exactly as on the wire, headers and body, without the line break
    // that belongs to the next boundary: the text a multipart/signed
    // signature covers (RFC 3156 section 5). Only one raw capture at a
    // time: not asked again inside a captured part.
    virtual ByteSink* OnRawPartBegin(unsigned int depth, size_t index, const MimeHeaders& multipartHeaders)
    {
      (void) depth;
      (void) index;
      (void) multipartHeaders;
      return nullptr;
    }

    // End of the raw capture started by OnRawPartBegin (sink flushed).
    virtual void OnRawPartEnd(unsigned int depth)
    {
      (void) depth;
    }
  };
}
