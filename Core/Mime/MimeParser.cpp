// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/MimeParser.h"

#include "Core/Common/Error.h"
#include "Core/Mime/Base64Decoder.h"
#include "Core/Mime/QuotedPrintableDecoder.h"
#include "Core/Mime/TextEncoding.h"

#include <algorithm>
#include <memory>

namespace DicomMail
{
  namespace
  {
    const size_t MIN_BUFFER = 256 * 1024;
    const size_t MAX_BOUNDARY = 200;    // RFC 2046 says 70; be liberal

    size_t BufferCapacity(const MimeLimits& limits)
    {
      return std::max(MIN_BUFFER, limits.maxHeaderLineLength + 16);
    }

    // Counts decoded bytes against the global limit on their way to the
    // handler's sink.
    class LimitSink : public ByteSink
    {
    public:
      LimitSink(ByteSink& next, uint64_t& total, uint64_t limit) :
        next_(next),
        total_(total),
        limit_(limit)
      {
      }

      using ByteSink::Write;
      void Write(const void* data, size_t size) override
      {
        if (size > limit_ - std::min(limit_, total_))
        {
          throw Error(ErrorKind::LimitExceeded, "decoded MIME content exceeds the limit of " +
                      std::to_string(limit_) + " bytes");
        }
        total_ += size;
        count_ += size;
        next_.Write(data, size);
      }

      void Flush() override
      {
        next_.Flush();
      }

      uint64_t GetCount() const
      {
        return count_;
      }

    private:
      ByteSink& next_;
      uint64_t& total_;
      uint64_t limit_;
      uint64_t count_ = 0;
    };

    std::string Quote(const std::string& s)
    {
      return "\"" + TextEncoding::SanitizeUtf8(s.substr(0, 80)) + "\"";
    }
  }

  MimeParser::MimeParser(ByteSource& source, IMimeHandler& handler, const MimeLimits& limits) :
    input_(source, BufferCapacity(limits)),
    handler_(handler),
    limits_(limits)
  {
  }

  std::string MimeParser::GetCurrentPartPath() const
  {
    std::string path;
    for (size_t index : path_)
    {
      if (!path.empty())
      {
        path += '.';
      }
      path += std::to_string(index + 1);
    }
    return path;
  }

  std::string MimeParser::Where() const
  {
    const std::string path = GetCurrentPartPath();
    return path.empty() ? "top-level entity" : "part " + path;
  }

  bool MimeParser::ReadHeaders(MimeHeaders& headers, const std::string* parentBoundary, bool topLevel)
  {
    // Returns false if a delimiter of the parent interrupted the block
    // (a part without body), true otherwise.
    size_t blockSize = 0;
    std::string line;
    bool first = true;

    for (;;)
    {
      if (parentBoundary != nullptr && input_.PeekDelimiter(*parentBoundary) != MimeInput::Delimiter::None)
      {
        return false;
      }

      const uint64_t lineOffset = input_.GetOffset();
      if (!input_.ReadLine(line, limits_.maxHeaderLineLength))
      {
        return true;    // end of input: headers without body
      }

      blockSize += line.size() + 2;
      if (blockSize > limits_.maxHeaderBlockSize)
      {
        throw Error(ErrorKind::LimitExceeded, "header block of the " + Where() + " exceeds the limit of " +
                    std::to_string(limits_.maxHeaderBlockSize) + " bytes");
      }

      if (line.empty())
      {
        return true;
      }

      if (first && topLevel && line.compare(0, 5, "From ") == 0)
      {
        first = false;
        continue;    // mbox separator line
      }
      first = false;

      if (line.find('\0') != std::string::npos)
      {
        throw Error(ErrorKind::BadInput, "NUL byte in the header block of the " + Where() +
                    " (line at byte offset " + std::to_string(lineOffset) + ")");
      }

      const size_t before = headers.GetSize();
      try
      {
        headers.AddWireLine(line);
      }
      catch (const Error& e)
      {
        throw Error(e.GetKind(), std::string(e.what()) + " in the " + Where() +
                    " at byte offset " + std::to_string(lineOffset));
      }

      if (headers.GetSize() > before && headers.GetSize() > limits_.maxHeaderFields)
      {
        throw Error(ErrorKind::LimitExceeded, "more than " + std::to_string(limits_.maxHeaderFields) +
                    " header fields in the " + Where());
      }
    }
  }

  MimeInput::Delimiter MimeParser::ParseLeaf(unsigned int depth, const MimeHeaders& headers,
                                             const std::string* parentBoundary)
  {
    ByteSink* target = handler_.OnHeaders(depth, headers);

    if (target == nullptr)
    {
      const MimeInput::Delimiter delimiter = input_.ScanBody(parentBoundary, nullptr);
      handler_.OnPartEnd(depth, 0);
      return delimiter;
    }

    LimitSink limited(*target, decodedBytes_, limits_.maxDecodedBytes);
    std::unique_ptr<Base64Decoder> base64;
    std::unique_ptr<QuotedPrintableDecoder> quotedPrintable;
    ByteSink* sink = &limited;

    const std::string encoding = headers.GetTransferEncoding();
    if (encoding == "base64")
    {
      base64.reset(new Base64Decoder(limited));
      sink = base64.get();
    }
    else if (encoding == "quoted-printable")
    {
      quotedPrintable.reset(new QuotedPrintableDecoder(limited));
      sink = quotedPrintable.get();
    }
    else if (encoding != "7bit" && encoding != "8bit" && encoding != "binary")
    {
      throw Error(ErrorKind::BadInput, "unsupported Content-Transfer-Encoding " + Quote(encoding) +
                  " in the " + Where());
    }

    MimeInput::Delimiter delimiter;
    try
    {
      delimiter = input_.ScanBody(parentBoundary, sink);
      if (base64)
      {
        base64->Finish();
      }
      if (quotedPrintable)
      {
        quotedPrintable->Finish();
      }
      limited.Flush();
    }
    catch (const Error& e)
    {
      throw Error(e.GetKind(), "body of the " + Where() + " (" +
                  headers.GetContentType().GetMimeType() + "): " + e.what());
    }

    handler_.OnPartEnd(depth, limited.GetCount());
    return delimiter;
  }

  MimeInput::Delimiter MimeParser::ParseMultipart(unsigned int depth, const MimeHeaders& headers,
                                                  const ContentType& type, const std::string* parentBoundary)
  {
    const std::string name = type.GetMimeType() + " (" + Where() + ")";
    const std::string boundary = type.GetParameter("boundary");
    if (boundary.empty())
    {
      throw Error(ErrorKind::BadInput, name + " has no boundary parameter");
    }
    if (boundary.size() > MAX_BOUNDARY || boundary.find_first_of("\r\n") != std::string::npos)
    {
      throw Error(ErrorKind::BadInput, name + " has an invalid boundary parameter (" +
                  std::to_string(boundary.size()) + " characters)");
    }
    if (depth >= limits_.maxDepth)
    {
      throw Error(ErrorKind::LimitExceeded, "MIME nesting deeper than " + std::to_string(limits_.maxDepth) +
                  " levels at " + name);
    }

    handler_.OnMultipartBegin(depth, headers);

    const std::string neverClosed = name + ": boundary " + Quote(boundary) +
      " never closed (input ends at byte " ;

    // Preamble.
    MimeInput::Delimiter delimiter = input_.ScanBody(&boundary, nullptr);
    if (delimiter == MimeInput::Delimiter::None)
    {
      throw Error(ErrorKind::BadInput, neverClosed + std::to_string(input_.GetOffset()) + ")");
    }

    size_t index = 0;
    while (delimiter == MimeInput::Delimiter::Part)
    {
      input_.SkipLine();
      if (++parts_ > limits_.maxParts)
      {
        throw Error(ErrorKind::LimitExceeded, "more than " + std::to_string(limits_.maxParts) +
                    " MIME parts");
      }

      ByteSink* raw = nullptr;
      if (!input_.IsTapping())
      {
        raw = handler_.OnRawPartBegin(depth + 1, index, headers);
        if (raw != nullptr)
        {
          input_.StartTap(*raw);
        }
      }

      path_.push_back(index);
      delimiter = ParseEntity(depth + 1, &boundary);
      path_.pop_back();

      if (raw != nullptr)
      {
        input_.EndTap();
        handler_.OnRawPartEnd(depth + 1);
      }

      if (delimiter == MimeInput::Delimiter::None)
      {
        throw Error(ErrorKind::BadInput, neverClosed + std::to_string(input_.GetOffset()) + ")");
      }
      index++;
    }

    // The close delimiter line, then the epilogue up to the parent's next
    // delimiter (or the end of the input at the top level).
    input_.SkipLine();
    handler_.OnMultipartEnd(depth);
    return input_.ScanBody(parentBoundary, nullptr);
  }

  MimeInput::Delimiter MimeParser::ParseEntity(unsigned int depth, const std::string* parentBoundary)
  {
    MimeHeaders headers;
    if (!ReadHeaders(headers, parentBoundary, depth == 0))
    {
      // A delimiter right inside the header block: a part with no body.
      ByteSink* sink = handler_.OnHeaders(depth, headers);
      if (sink != nullptr)
      {
        sink->Flush();
      }
      handler_.OnPartEnd(depth, 0);
      return input_.PeekDelimiter(*parentBoundary);
    }

    const ContentType type = headers.GetContentType();
    if (type.IsMultipart())
    {
      return ParseMultipart(depth, headers, type, parentBoundary);
    }
    else
    {
      return ParseLeaf(depth, headers, parentBoundary);
    }
  }

  void MimeParser::Parse()
  {
    if (parsed_)
    {
      throw Error(ErrorKind::Internal, "MimeParser::Parse() called twice");
    }
    parsed_ = true;

    if (input_.IsAtEnd())
    {
      throw Error(ErrorKind::BadInput, "empty input: no MIME message");
    }

    ParseEntity(0, nullptr);
  }

  MimeHeaders ParseHeaderBlock(ByteSource& source, const MimeLimits& limits, uint64_t* bodyOffset)
  {
    // A small buffer: only the header block is wanted.
    MimeInput input(source, std::max<size_t>(limits.maxHeaderLineLength + 16, 8192));
    if (input.IsAtEnd())
    {
      throw Error(ErrorKind::BadInput, "empty input: no MIME header block");
    }

    MimeHeaders headers;
    size_t blockSize = 0;
    bool first = true;
    std::string line;
    while (input.ReadLine(line, limits.maxHeaderLineLength))
    {
      blockSize += line.size() + 2;
      if (blockSize > limits.maxHeaderBlockSize)
      {
        throw Error(ErrorKind::LimitExceeded, "top-level header block exceeds the limit of " +
                    std::to_string(limits.maxHeaderBlockSize) + " bytes");
      }
      if (line.empty())
      {
        break;
      }
      if (first && line.compare(0, 5, "From ") == 0)
      {
        first = false;
        continue;
      }
      first = false;
      headers.AddWireLine(line);
      if (headers.GetSize() > limits.maxHeaderFields)
      {
        throw Error(ErrorKind::LimitExceeded, "more than " + std::to_string(limits.maxHeaderFields) +
                    " header fields in the top-level header block");
      }
    }

    if (bodyOffset != nullptr)
    {
      *bodyOffset = input.GetOffset();
    }
    return headers;
  }
}
