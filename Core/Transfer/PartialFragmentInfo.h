// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Transfer/RawHeaderBlock.h"

#include <string>

namespace DicomMail
{
  // What the outer header of one message/partial fragment says: enough for a
  // receiver to group fragments (by id, or by the X-TELEMEDICINE-SET*
  // headers) before it reassembles them.
  struct PartialFragmentInfo
  {
    std::string id;              // the "id" parameter
    unsigned int number = 0;     // 1-based
    unsigned int total = 0;      // 0: not given (RFC 2046 requires it only on the last fragment)
    std::string setId;           // the X-TELEMEDICINE-SET* values, empty when absent
    std::string setPart;
    std::string setTotal;

    // True if the block's Content-Type is message/partial (any case).
    static bool IsPartial(const RawHeaderBlock& headers);

    // Throws Error(BadInput) when the block is not a well-formed
    // message/partial header (parsed with ContentType): missing parameters, numbers that
    // are not plain decimals, number 0, total 0, number > total, an encoding
    // other than 7bit/8bit/binary; Error(LimitExceeded) when number or total
    // exceeds maxTotal.
    static PartialFragmentInfo Parse(const RawHeaderBlock& headers, unsigned int maxTotal);

    // Reads only the header block of a fragment.
    static PartialFragmentInfo Read(ByteSource& source, unsigned int maxTotal, size_t maxHeaderBytes);
  };
}
