// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Streaming quoted-printable decoder (RFC 2045 section 6.7), liberal:
  // "=XX" in either case, soft line breaks "=" CRLF or "=" LF (white space
  // before the break tolerated), trailing white space of lines removed,
  // malformed "=" sequences passed through literally. Line breaks are kept
  // as they arrive (CRLF or LF).
  class QuotedPrintableDecoder : public ByteSink
  {
  public:
    explicit QuotedPrintableDecoder(ByteSink& next);
    QuotedPrintableDecoder(const QuotedPrintableDecoder&) = delete;
    QuotedPrintableDecoder& operator=(const QuotedPrintableDecoder&) = delete;

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;
    void Flush() override;
    void Finish();

    uint64_t GetOutputSize() const
    {
      return outputSize_;
    }

  private:
    enum class State
    {
      Normal,
      CarriageReturn,   // "\r" seen, undecided
      Equal,            // "=" seen
      EqualHex,         // "=X" seen
      EqualSpace,       // "=" and white space: maybe a soft break
      EqualCarriageReturn
    };

    void Process(char c);
    void Put(char c);
    void PutSpaces();
    void WriteOutput();

    ByteSink& next_;
    State state_ = State::Normal;
    char firstHex_ = 0;
    std::string spaces_;     // white space that may turn out to be trailing
    std::string buffer_;
    uint64_t outputSize_ = 0;
    bool finished_ = false;
  };
}
