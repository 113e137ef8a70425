// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Mime/Base64Decoder.h"
#include "Core/Mime/Crc24.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace DicomMail
{
  // Streaming OpenPGP ASCII armor reader (RFC 4880 section 6): armored text
  // in (LF or CRLF, cut anywhere between writes), binary out to "next".
  // Lines before the BEGIN line are skipped, text after the END line is
  // ignored. The CRC-24 is verified when the checksum line is present.
  // Errors (all BadInput): no BEGIN line, no END line, CRC mismatch,
  // invalid base64 (with the armor line number). Decoded bytes reach "next"
  // before the checksum is known: discard them when Finish() throws.
  class PgpArmorReader : public ByteSink
  {
  public:
    typedef std::vector<std::pair<std::string, std::string> > Headers;

    explicit PgpArmorReader(ByteSink& next);
    ~PgpArmorReader() override;
    PgpArmorReader(const PgpArmorReader&) = delete;
    PgpArmorReader& operator=(const PgpArmorReader&) = delete;

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;
    void Flush() override;

    // Checks that the END line was seen (and the checksum matched); pushes
    // the rest down. A second call does nothing.
    void Finish();

    // The words after "BEGIN PGP ", e.g. "MESSAGE"; empty before the BEGIN line.
    const std::string& GetType() const
    {
      return type_;
    }

    const Headers& GetHeaders() const
    {
      return headers_;
    }

    bool HasChecksum() const
    {
      return hasChecksum_;
    }

    bool IsComplete() const
    {
      return state_ == State::Done;
    }

    uint64_t GetOutputSize() const;

  private:
    enum class State
    {
      BeforeBegin,
      Headers,
      Body,
      AfterChecksum,
      Done
    };

    class CrcSink;

    void HandleLine(const std::string& line);
    void HandleBodyLine(const std::string& line);
    void HandleEnd(const std::string& line);
    void Decode(const char* data, size_t size);
    [[noreturn]] void Fail(const std::string& message) const;

    ByteSink& next_;
    std::unique_ptr<CrcSink> crcSink_;
    std::unique_ptr<Base64Decoder> decoder_;
    State state_ = State::BeforeBegin;
    std::string type_;
    Headers headers_;
    std::string line_;           // a line being collected (not plain base64)
    bool atLineStart_ = true;
    bool collecting_ = false;    // the current line is collected in line_
    bool lineTooLong_ = false;
    uint64_t lineNumber_ = 1;
    bool hasChecksum_ = false;
    uint32_t expectedCrc_ = 0;
    bool finished_ = false;
  };
}
