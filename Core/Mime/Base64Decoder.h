// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstdint>
#include <vector>

namespace DicomMail
{
  // Streaming base64 decoder: encoded text written in (cut anywhere between
  // writes), binary written to "next". Line breaks, spaces and tabs are
  // skipped; any other byte outside the alphabet, a misplaced "=", or data
  // after the padding throws Error(BadInput, "invalid base64 ...") naming the
  // byte offset in the encoded stream. A final group left unpadded is
  // accepted (2 or 3 characters), a single dangling character is not.
  class Base64Decoder : public ByteSink
  {
  public:
    explicit Base64Decoder(ByteSink& next);
    Base64Decoder(const Base64Decoder&) = delete;
    Base64Decoder& operator=(const Base64Decoder&) = delete;

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;

    // Pushes the bytes decoded so far and flushes "next".
    void Flush() override;

    // Checks that the input ended cleanly, pushes the rest down. A second
    // call does nothing.
    void Finish();

    uint64_t GetInputSize() const
    {
      return offset_;
    }

    uint64_t GetOutputSize() const
    {
      return outputSize_;
    }

  private:
    void HandleSpecial(unsigned char c, uint64_t offset);
    void Emit(size_t count);
    void WriteOutput();

    ByteSink& next_;
    uint32_t group_ = 0;     // sextets of the current group, left to right
    size_t groupCount_ = 0;
    int padding_ = 0;        // 0: none, 1: one "=" seen after 2 chars, 2: complete
    std::vector<unsigned char> buffer_;
    size_t used_ = 0;
    uint64_t offset_ = 0;
    uint64_t outputSize_ = 0;
    bool finished_ = false;
  };
}
