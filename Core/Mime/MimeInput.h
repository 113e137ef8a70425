// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // The buffered reading side of MimeParser: header lines and body bytes
  // up to the next multipart delimiter line, in constant memory (one buffer
  // of fixed capacity). Knows lines and boundaries, not MIME semantics.
  class MimeInput
  {
  public:
    enum class Delimiter
    {
      None,       // not a delimiter line / end of input
      Part,       // "--boundary" (+ transport padding)
      Close       // "--boundary--"
    };

    // "capacity" must exceed the longest header line to accept.
    MimeInput(ByteSource& source, size_t capacity);
    MimeInput(const MimeInput&) = delete;
    MimeInput& operator=(const MimeInput&) = delete;

    // Reads one line (line break removed: CRLF or LF). Returns false at the
    // end of the input. Throws Error(LimitExceeded) for a line longer than
    // "maxLength" without buffering more than that.
    bool ReadLine(std::string& line, size_t maxLength);

    bool IsAtEnd();

    // At a line start: is this line a delimiter of "boundary"? Consumes nothing.
    Delimiter PeekDelimiter(const std::string& boundary);

    // From a line start, streams body bytes into "sink" (nullptr: discard)
    // until a delimiter line of "boundary" (left unconsumed; the line break
    // before it is not body) or the end of the input (returns None). With
    // "boundary" == nullptr, everything up to the end goes into the sink.
    Delimiter ScanBody(const std::string* boundary, ByteSink* sink);

    // Consumes up to and including the next line break.
    void SkipLine();

    // Copies every byte consumed from now on into "tap", until EndTap(),
    // which drops a final line break (it belongs to the next delimiter).
    void StartTap(ByteSink& tap);
    void EndTap();

    bool IsTapping() const
    {
      return tap_ != nullptr;
    }

    // Bytes consumed since the start of the source.
    uint64_t GetOffset() const
    {
      return base_ + pos_;
    }

  private:
    bool Fill();
    bool Ensure(size_t count);
    void FlushRun();
    void FlushTap();
    void WriteTap(const char* data, size_t size);

    ByteSource& source_;
    std::vector<char> buffer_;
    size_t pos_ = 0;           // first unconsumed byte
    size_t end_ = 0;           // end of valid data
    uint64_t base_ = 0;        // source offset of buffer_[0]
    bool eof_ = false;

    // Body scanning: [runStart_, runEnd_) are body bytes not yet written,
    // [runEnd_, pos_) a consumed line break that may still turn out to
    // precede a delimiter; heldEol_ keeps it when the buffer is compacted.
    bool scanning_ = false;
    ByteSink* runSink_ = nullptr;
    size_t runStart_ = 0;
    size_t runEnd_ = 0;
    std::string heldEol_;

    ByteSink* tap_ = nullptr;
    size_t tapStart_ = 0;
    std::string tapHeld_;      // last bytes written to the tap, held back
  };
}
