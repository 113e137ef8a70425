// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/MimeWriter.h"

#include "Core/Common/Error.h"
#include "Core/Mime/MimeIdentifiers.h"

namespace DicomMail
{
  // What BeginLeaf hands out: forwards to the encoder or straight out.
  class MimeWriter::BodySink : public ByteSink
  {
  public:
    explicit BodySink(ByteSink& target) :
      target_(target)
    {
    }

    using ByteSink::Write;
    void Write(const void* data, size_t size) override
    {
      if (closed_)
      {
        throw Error(ErrorKind::Internal, "MimeWriter: body written after EndLeaf()");
      }
      target_.Write(data, size);
    }

    void Flush() override
    {
      target_.Flush();
    }

    void Close()
    {
      closed_ = true;
    }

  private:
    ByteSink& target_;
    bool closed_ = false;
  };

  namespace
  {
    // What we send crosses MTAs that may refuse 8-bit headers (or mangle
    // them), so a non-ASCII value must have been encoded (RFC 2047, RFC
    // 2231) before it gets here: a mistake fails in our tests, not abroad.
    void RequireSevenBit(const std::string& name, const std::string& value)
    {
      for (unsigned char c : value)
      {
        if (c >= 0x80)
        {
          throw Error(ErrorKind::Internal, "header " + name + " of an outgoing mail is not 7-bit: "
                      "encode non-ASCII text (RFC 2047 / RFC 2231) before writing it");
        }
      }
    }
  }

  MimeWriter::MimeWriter(ByteSink& output) :
    output_(&output)
  {
  }

  MimeWriter::~MimeWriter() = default;

  void MimeWriter::BeginEntity()
  {
    if (finished_ || inLeaf_)
    {
      throw Error(ErrorKind::Internal, finished_ ? "MimeWriter: entity begun after Finish()" :
                  "MimeWriter: entity begun before EndLeaf()");
    }

    if (stack_.empty())
    {
      if (topStarted_)
      {
        throw Error(ErrorKind::Internal, "MimeWriter: only one top-level entity");
      }
      topStarted_ = true;
      return;
    }

    // The CRLF before a delimiter belongs to the delimiter; the very first
    // one directly follows the multipart's header block.
    Level& level = stack_.back();
    output_.Write((level.parts == 0 ? "--" : "\r\n--") + level.boundary + "\r\n");
    level.parts++;
  }

  void MimeWriter::WriteHeaders(const MimeHeaders& headers)
  {
    for (const MimeHeaderField& field : headers.GetFields())
    {
      RequireSevenBit(field.name, field.value);
    }
    headers.Write(output_);
  }

  void MimeWriter::BeginMultipart(const MimeHeaders& headers, const ContentType& type)
  {
    if (!type.IsMultipart())
    {
      throw Error(ErrorKind::Internal, "MimeWriter::BeginMultipart() with " + type.GetMimeType());
    }
    if (headers.Has("Content-Type"))
    {
      throw Error(ErrorKind::Internal, "MimeWriter::BeginMultipart(): Content-Type comes from the type argument");
    }

    ContentType withBoundary = type;
    std::string boundary = type.GetParameter("boundary");
    if (boundary.empty())
    {
      boundary = MimeIdentifiers::GenerateBoundary();
      withBoundary.SetParameter("boundary", boundary);
    }
    for (const Level& level : stack_)
    {
      if (level.boundary == boundary)
      {
        throw Error(ErrorKind::Internal, "MimeWriter: nested multipart reuses boundary " + boundary);
      }
    }

    const std::string typeValue = withBoundary.Format();
    RequireSevenBit("Content-Type", typeValue);
    BeginEntity();
    WriteHeaders(headers);
    output_.Write(MimeHeaders::FoldField("Content-Type", typeValue) + "\r\n\r\n");
    stack_.push_back(Level{ boundary, 0 });
  }

  ByteSink& MimeWriter::BeginLeaf(const MimeHeaders& headers, TransferEncoding encoding)
  {
    if (headers.Has("Content-Transfer-Encoding"))
    {
      throw Error(ErrorKind::Internal, "MimeWriter::BeginLeaf(): pass the transfer encoding as argument, not as header");
    }

    BeginEntity();
    WriteHeaders(headers);
    switch (encoding)
    {
      case TransferEncoding::SevenBit:
        break;
      case TransferEncoding::EightBit:
        output_.Write("Content-Transfer-Encoding: 8bit\r\n");
        break;
      case TransferEncoding::Binary:
        output_.Write("Content-Transfer-Encoding: binary\r\n");
        break;
      case TransferEncoding::Base64:
        output_.Write("Content-Transfer-Encoding: base64\r\n");
        break;
    }
    output_.Write("\r\n");

    if (encoding == TransferEncoding::Base64)
    {
      encoder_.reset(new Base64Encoder(output_, 76));
      body_.reset(new BodySink(*encoder_));
    }
    else
    {
      body_.reset(new BodySink(output_));
    }
    inLeaf_ = true;
    return *body_;
  }

  ByteSink& MimeWriter::BeginRawPart()
  {
    if (stack_.empty())
    {
      throw Error(ErrorKind::Internal, "MimeWriter::BeginRawPart() outside a multipart");
    }
    BeginEntity();
    body_.reset(new BodySink(output_));
    inLeaf_ = true;
    return *body_;
  }

  void MimeWriter::EndLeaf()
  {
    if (!inLeaf_)
    {
      throw Error(ErrorKind::Internal, "MimeWriter::EndLeaf() without BeginLeaf()");
    }
    if (encoder_)
    {
      encoder_->Finish();
      encoder_.reset();
    }
    body_->Close();
    inLeaf_ = false;
  }

  void MimeWriter::EndMultipart()
  {
    if (inLeaf_ || stack_.empty())
    {
      throw Error(ErrorKind::Internal, inLeaf_ ? "MimeWriter::EndMultipart() before EndLeaf()" :
                  "MimeWriter::EndMultipart() without BeginMultipart()");
    }
    const Level& level = stack_.back();
    if (level.parts == 0)
    {
      throw Error(ErrorKind::Internal, "MimeWriter: a multipart needs at least one part (RFC 2046)");
    }
    output_.Write("\r\n--" + level.boundary + "--");
    stack_.pop_back();
    if (stack_.empty())
    {
      output_.Write("\r\n");
    }
  }

  void MimeWriter::Finish()
  {
    if (finished_)
    {
      return;
    }
    if (inLeaf_ || !stack_.empty() || !topStarted_)
    {
      throw Error(ErrorKind::Internal, "MimeWriter::Finish() with an entity still open or none written");
    }
    finished_ = true;
    output_.Flush();
  }

  std::string MimeWriter::GetBoundary() const
  {
    return stack_.empty() ? std::string() : stack_.back().boundary;
  }
}
