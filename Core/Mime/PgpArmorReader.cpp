// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/PgpArmorReader.h"

#include "Core/Common/Error.h"
#include "Core/Mime/Base64.h"

#include <cstdio>
#include <cstring>

namespace DicomMail
{
  namespace
  {
    // Armor headers, checksum and BEGIN/END lines are short; longer lines are
    // only kept in part (junk before BEGIN) or rejected.
    const size_t MAX_COLLECTED_LINE = 1024;
    const size_t MAX_HEADERS = 64;

    std::string TrimRight(const std::string& s)
    {
      size_t end = s.size();
      while (end > 0 && (s[end - 1] == '\r' || s[end - 1] == ' ' || s[end - 1] == '\t'))
      {
        end--;
      }
      return s.substr(0, end);
    }

    bool StartsWith(const std::string& s, const char* prefix)
    {
      return s.compare(0, strlen(prefix), prefix) == 0;
    }

    bool EndsWith(const std::string& s, const char* suffix)
    {
      const size_t n = strlen(suffix);
      return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
    }

    std::string Hex24(uint32_t value)
    {
      char s[16];
      snprintf(s, sizeof(s), "0x%06X", value);
      return s;
    }
  }

  // Sits between the base64 decoder and "next" to checksum the binary data.
  class PgpArmorReader::CrcSink : public ByteSink
  {
  public:
    explicit CrcSink(ByteSink& next) :
      next_(next)
    {
    }

    using ByteSink::Write;
    void Write(const void* data, size_t size) override
    {
      crc_.Update(data, size);
      next_.Write(data, size);
    }

    void Flush() override
    {
      next_.Flush();
    }

    uint32_t GetCrc() const
    {
      return crc_.GetValue();
    }

  private:
    ByteSink& next_;
    Crc24 crc_;
  };

  PgpArmorReader::PgpArmorReader(ByteSink& next) :
    next_(next),
    crcSink_(new CrcSink(next)),
    decoder_(new Base64Decoder(*crcSink_))
  {
  }

  PgpArmorReader::~PgpArmorReader() = default;

  uint64_t PgpArmorReader::GetOutputSize() const
  {
    return decoder_->GetOutputSize();
  }

  void PgpArmorReader::Fail(const std::string& message) const
  {
    throw Error(ErrorKind::BadInput, "OpenPGP armor, line " + std::to_string(lineNumber_) + ": " + message);
  }

  void PgpArmorReader::Decode(const char* data, size_t size)
  {
    try
    {
      decoder_->Write(data, size);
    }
    catch (const Error& e)
    {
      if (e.GetKind() == ErrorKind::BadInput)
      {
        Fail(e.what());
      }
      throw;
    }
  }

  void PgpArmorReader::HandleEnd(const std::string& line)
  {
    if (line != "-----END PGP " + type_ + "-----")
    {
      Fail("END line \"" + line.substr(0, 80) + "\" does not match \"-----BEGIN PGP " + type_ + "-----\"");
    }

    try
    {
      decoder_->Finish();
    }
    catch (const Error& e)
    {
      if (e.GetKind() == ErrorKind::BadInput)
      {
        Fail(e.what());
      }
      throw;
    }

    state_ = State::Done;
    if (hasChecksum_ && crcSink_->GetCrc() != expectedCrc_)
    {
      Fail("CRC-24 mismatch: the checksum line says " + Hex24(expectedCrc_) +
           ", the data gives " + Hex24(crcSink_->GetCrc()) + " (armor damaged)");
    }
  }

  void PgpArmorReader::HandleBodyLine(const std::string& rawLine)
  {
    const std::string line = TrimRight(rawLine);
    if (line.empty())
    {
      return;
    }

    if (line[0] == '-')
    {
      if (StartsWith(line, "-----END PGP "))
      {
        HandleEnd(line);
        return;
      }
      Fail("invalid base64 line starting with '-'");
    }

    if (line[0] == '=')
    {
      if (line == "=" || line == "==")
      {
        // Padding wrapped onto a line of its own by some writer.
        Decode(line.data(), line.size());
        return;
      }
      if (line.size() != 5)
      {
        Fail("malformed checksum line (expected \"=\" and 4 base64 characters)");
      }
      std::string crc;
      try
      {
        crc = Base64::Decode(line.substr(1));
      }
      catch (const Error&)
      {
        Fail("malformed checksum line (invalid base64)");
      }
      if (crc.size() != 3)
      {
        Fail("malformed checksum line (not 24 bits)");
      }
      expectedCrc_ = (static_cast<uint32_t>(static_cast<unsigned char>(crc[0])) << 16) |
        (static_cast<uint32_t>(static_cast<unsigned char>(crc[1])) << 8) |
        static_cast<unsigned char>(crc[2]);
      hasChecksum_ = true;
      state_ = State::AfterChecksum;
      return;
    }

    Decode(line.data(), line.size());
  }

  void PgpArmorReader::HandleLine(const std::string& rawLine)
  {
    switch (state_)
    {
      case State::BeforeBegin:
      {
        const std::string line = TrimRight(rawLine);
        if (StartsWith(line, "-----BEGIN PGP ") && EndsWith(line, "-----") && line.size() > 20)
        {
          type_ = line.substr(15, line.size() - 20);
          if (type_ == "SIGNED MESSAGE")
          {
            Fail("cleartext-signed messages are not armored data and are not supported");
          }
          state_ = State::Headers;
        }
        return;
      }

      case State::Headers:
      {
        const std::string line = TrimRight(rawLine);
        if (line.empty())
        {
          state_ = State::Body;
          return;
        }
        const size_t colon = line.find(": ");
        if (colon != std::string::npos && colon > 0 && line.find(' ') > colon)
        {
          if (headers_.size() >= MAX_HEADERS)
          {
            Fail("more than " + std::to_string(MAX_HEADERS) + " armor headers");
          }
          headers_.push_back(std::make_pair(line.substr(0, colon), line.substr(colon + 2)));
          return;
        }
        // No empty line after BEGIN: liberal, this is already the data.
        state_ = State::Body;
        HandleBodyLine(rawLine);
        return;
      }

      case State::Body:
        HandleBodyLine(rawLine);
        return;

      case State::AfterChecksum:
      {
        const std::string line = TrimRight(rawLine);
        if (line.empty())
        {
          return;
        }
        if (StartsWith(line, "-----END PGP "))
        {
          HandleEnd(line);
          return;
        }
        Fail("data after the checksum line");
      }

      case State::Done:
        return;
    }
  }

  void PgpArmorReader::Write(const void* data, size_t size)
  {
    if (finished_)
    {
      throw Error(ErrorKind::Internal, "PgpArmorReader: write after Finish()");
    }

    const char* p = static_cast<const char*>(data);
    const char* end = p + size;

    while (p < end && state_ != State::Done)
    {
      if (atLineStart_)
      {
        // Plain base64 lines stream straight into the decoder; everything
        // else is collected to be looked at as a whole.
        collecting_ = (state_ != State::Body || *p == '-' || *p == '=');
        line_.clear();
        lineTooLong_ = false;
        atLineStart_ = false;
      }

      const char* nl = static_cast<const char*>(memchr(p, '\n', end - p));
      const char* stop = (nl == nullptr ? end : nl);

      if (collecting_)
      {
        const size_t room = MAX_COLLECTED_LINE - line_.size();
        const size_t n = static_cast<size_t>(stop - p);
        line_.append(p, std::min(n, room));
        if (n > room)
        {
          lineTooLong_ = true;
        }
      }
      else
      {
        Decode(p, stop - p);
      }

      if (nl == nullptr)
      {
        break;
      }

      p = nl + 1;
      atLineStart_ = true;
      if (collecting_)
      {
        if (lineTooLong_ && state_ != State::BeforeBegin)
        {
          Fail("line longer than " + std::to_string(MAX_COLLECTED_LINE) + " characters");
        }
        HandleLine(line_);
      }
      lineNumber_++;
    }
  }

  void PgpArmorReader::Flush()
  {
    decoder_->Flush();
  }

  void PgpArmorReader::Finish()
  {
    if (finished_)
    {
      return;
    }

    // The last line may lack its line break.
    if (!atLineStart_ && collecting_ && state_ != State::Done)
    {
      atLineStart_ = true;
      if (lineTooLong_ && state_ != State::BeforeBegin)
      {
        Fail("line longer than " + std::to_string(MAX_COLLECTED_LINE) + " characters");
      }
      HandleLine(line_);
    }

    if (state_ == State::BeforeBegin)
    {
      throw Error(ErrorKind::BadInput, "OpenPGP armor: no BEGIN line (\"-----BEGIN PGP ...-----\") found");
    }
    if (state_ != State::Done)
    {
      throw Error(ErrorKind::BadInput, "OpenPGP armor: no END line (\"-----END PGP " + type_ +
                  "-----\"): input truncated");
    }
    finished_ = true;
    next_.Flush();
  }
}
