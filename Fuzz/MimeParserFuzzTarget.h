// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Mime/IMimeHandler.h"
#include "Core/Mime/MimeParser.h"
#include "Core/Mime/PgpArmorReader.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace DicomMail
{
  namespace Fuzzing
  {
    // Takes every leaf body (so it is decoded) and every raw part (so the
    // multipart/signed capture runs too), and checks the parser's promise
    // that decodedSize is what reached the sink.
    class DecodingHandler : public IMimeHandler
    {
    public:
      ByteSink* OnHeaders(unsigned int depth, const MimeHeaders& headers) override
      {
        (void) depth;
        (void) headers.GetContentType();
        (void) headers.GetTransferEncoding();
        current_ = CountingSink();
        return &current_;
      }

      void OnPartEnd(unsigned int depth, uint64_t decodedSize) override
      {
        (void) depth;
        if (decodedSize != current_.GetCount())
        {
          // Not an Error: a broken promise is a finding, not bad input.
          throw std::logic_error("decodedSize differs from the bytes written to the sink");
        }
      }

      ByteSink* OnRawPartBegin(unsigned int depth, size_t index, const MimeHeaders& multipartHeaders) override
      {
        (void) depth;
        (void) index;
        (void) multipartHeaders;
        raw_ = CountingSink();
        return &raw_;
      }

    private:
      CountingSink current_;
      CountingSink raw_;
    };

    // What the MIME fuzz target does with one input; shared with the
    // FuzzRegression unit tests. DicomMail::Error is the expected answer to
    // bad input and is swallowed; anything else escapes (a finding).
    // Returns which readers accepted the input: kMimeParserAccepted |
    // kHeaderBlockAccepted | kArmorAccepted.
    enum
    {
      kMimeParserAccepted = 1,
      kHeaderBlockAccepted = 2,
      kArmorAccepted = 4
    };

    inline unsigned int RunMimeParserTarget(const uint8_t* data, size_t size)
    {
      const std::string input(reinterpret_cast<const char*>(data), size);
      unsigned int accepted = 0;

      try
      {
        StringSource source(input);
        DecodingHandler handler;
        MimeParser parser(source, handler);
        parser.Parse();
        accepted |= kMimeParserAccepted;
      }
      catch (const Error&)
      {
      }

      try
      {
        StringSource source(input);
        uint64_t bodyOffset = 0;
        const MimeHeaders headers = ParseHeaderBlock(source, MimeLimits(), &bodyOffset);
        (void) headers.GetContentType();
        (void) headers.GetDecoded("Subject");
        if (bodyOffset > size)
        {
          throw std::logic_error("ParseHeaderBlock: body offset beyond the input");
        }
        accepted |= kHeaderBlockAccepted;
      }
      catch (const Error&)
      {
      }

      try
      {
        // Armor arrives cut anywhere: feed it in uneven slices.
        CountingSink output;
        PgpArmorReader reader(output);
        const size_t slice = 1 + size % 61;
        for (size_t offset = 0; offset < size; offset += slice)
        {
          reader.Write(data + offset, std::min(slice, size - offset));
        }
        reader.Finish();
        accepted |= kArmorAccepted;
      }
      catch (const Error&)
      {
      }

      return accepted;
    }
  }
}
