// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstdint>
#include <vector>

namespace DicomMail
{
  // Streaming base64 encoder (RFC 4648 alphabet): binary written in, encoded
  // text written to "next", broken into lines of "lineLength" characters
  // separated by CRLF (MIME: 76, OpenPGP armor: 64, 0: one single line).
  // Output carries no line break after the last line: in MIME the CRLF before
  // the next boundary belongs to the boundary, and the armor writer adds its own.
  class Base64Encoder : public ByteSink
  {
  public:
    explicit Base64Encoder(ByteSink& next, size_t lineLength = 76);
    Base64Encoder(const Base64Encoder&) = delete;
    Base64Encoder& operator=(const Base64Encoder&) = delete;

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;

    // Pushes the complete output produced so far (not the 0-2 input bytes
    // still waiting for their group of three) and flushes "next".
    void Flush() override;

    // Encodes the last bytes with "=" padding and pushes everything down.
    // Further writes are an Internal error; a second call does nothing.
    void Finish();

    uint64_t GetInputSize() const
    {
      return inputSize_;
    }

    uint64_t GetOutputSize() const
    {
      return outputSize_;
    }

  private:
    void EncodeTriples(const unsigned char*& input, size_t triples);
    void WriteOutput();

    ByteSink& next_;
    size_t lineLength_;
    size_t column_ = 0;
    unsigned char pending_[3];
    size_t pendingCount_ = 0;
    std::vector<char> buffer_;
    size_t used_ = 0;
    uint64_t inputSize_ = 0;
    uint64_t outputSize_ = 0;
    bool finished_ = false;
  };
}
