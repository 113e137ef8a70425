// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // Reads a ByteSource line by line through a bounded buffer, keeping every
  // byte (line ends included), so that what is read can be copied back
  // byte for byte. The rest of the stream can then be copied raw.
  class LineReader
  {
  public:
    explicit LineReader(ByteSource& source, size_t bufferSize = 64 * 1024);

    // Reads the next line, its LF (and CR) included, into "line". Returns
    // false at the end of the stream. The last line may lack a line end.
    // Throws Error(LimitExceeded) if no line end comes within maxLength bytes.
    bool ReadLine(std::string& line, size_t maxLength);

    // Copies exactly "count" bytes; throws Error(BadInput) if the stream ends first.
    void CopyBytes(ByteSink& sink, uint64_t count);

    // Copies everything not read yet; returns the count.
    uint64_t CopyRest(ByteSink& sink);

    // Bytes consumed so far.
    uint64_t GetOffset() const
    {
      return offset_;
    }

  private:
    bool Fill();

    ByteSource& source_;
    std::vector<char> buffer_;
    size_t begin_ = 0;
    size_t end_ = 0;
    uint64_t offset_ = 0;
  };
}
