// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Mime/Base64Encoder.h"
#include "Core/Mime/ContentType.h"
#include "Core/Mime/MimeHeaders.h"
#include "Core/Mime/TransferEncoding.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace DicomMail
{
  // Streaming writer of one MIME entity tree into a ByteSink, CRLF line
  // ends, nothing buffered beyond the base64 encoder's block:
  //
  //   MimeWriter writer(sink);
  //   writer.BeginMultipart(topHeaders, ContentType("multipart", "mixed"));
  //     ByteSink& body = writer.BeginLeaf(partHeaders, TransferEncoding::Base64);
  //     CopyStream(file, body);
  //     writer.EndLeaf();
  //   writer.EndMultipart();
  //   writer.Finish();
  //
  // The first Begin* call writes the top-level entity; later ones write the
  // next part of the innermost open multipart. Misuse (wrong order, a second
  // top-level entity, a multipart without parts, a header field with a byte
  // above 0x7F) is an Internal error: header text is 7-bit (see
  // MailboxFormatter, EncodedWords, ContentType::FormatParameter).
  class MimeWriter
  {
  public:
    explicit MimeWriter(ByteSink& output);
    ~MimeWriter();
    MimeWriter(const MimeWriter&) = delete;
    MimeWriter& operator=(const MimeWriter&) = delete;

    // Writes "headers" then "Content-Type: <type>" and the empty line.
    // "type" must be multipart/*; a boundary is generated unless it has a
    // "boundary" parameter. "headers" must not contain Content-Type.
    void BeginMultipart(const MimeHeaders& headers, const ContentType& type);

    // Writes "headers" (which carry Content-Type, unless text/plain is
    // meant), "Content-Transfer-Encoding" for all but SevenBit, and the empty
    // line; returns the sink for the body (encoded by the writer for
    // Base64), valid until EndLeaf(). "headers" must not contain
    // Content-Transfer-Encoding.
    ByteSink& BeginLeaf(const MimeHeaders& headers, TransferEncoding encoding);

    // The next part is written verbatim by the caller, headers, empty line
    // and body: for embedding an entity exactly as it was signed
    // (multipart/signed). Close it with EndLeaf().
    ByteSink& BeginRawPart();

    void EndLeaf();
    void EndMultipart();

    // Checks that everything is closed and flushes the output.
    void Finish();

    // Boundary of the innermost open multipart (empty if none).
    std::string GetBoundary() const;

    // Number of open multiparts.
    size_t GetDepth() const
    {
      return stack_.size();
    }

    uint64_t GetBytesWritten() const
    {
      return output_.GetCount();
    }

  private:
    class BodySink;

    struct Level
    {
      std::string boundary;
      size_t parts;
    };

    void BeginEntity();
    void WriteHeaders(const MimeHeaders& headers);

    CountingSink output_;
    std::vector<Level> stack_;
    std::unique_ptr<Base64Encoder> encoder_;
    std::unique_ptr<BodySink> body_;
    bool inLeaf_ = false;
    bool topStarted_ = false;
    bool finished_ = false;
  };
}
