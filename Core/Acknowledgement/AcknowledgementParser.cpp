// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Acknowledgement/AcknowledgementParser.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/KeyPartRule.h"
#include "Core/Receiving/KeyPartSink.h"
#include "Core/Mime/IMimeHandler.h"
#include "Core/Mime/MimeHeaders.h"
#include "Core/Mime/MimeParser.h"
#include "Core/Acknowledgement/AcknowledgementCapabilities.h"
#include "Core/Transfer/WireHeaders.h"

#include <memory>

namespace DicomMail
{
  namespace
  {
    const size_t kMaxHumanText = 4096;

    std::string Trim(const std::string& value)
    {
      const size_t first = value.find_first_not_of(" \t");
      if (first == std::string::npos)
      {
        return "";
      }
      return value.substr(first, value.find_last_not_of(" \t") - first + 1);
    }

    std::string GetRequired(const MimeHeaders& fields, const char* name)
    {
      const std::vector<std::string> values = fields.GetAll(name);
      if (values.empty() || Trim(values.front()).empty())
      {
        throw Error(ErrorKind::BadInput, std::string("The acknowledgement has no ") + name + " field");
      }
      if (values.size() > 1)
      {
        throw Error(ErrorKind::BadInput, std::string("The acknowledgement has more than one ") + name + " field");
      }
      // Unfolding leaves runs of white space; one space means the same.
      std::string collapsed;
      for (char c : Trim(values.front()))
      {
        const bool space = (c == ' ' || c == '\t');
        if (!space || collapsed.empty() || collapsed.back() != ' ')
        {
          collapsed.push_back(space ? ' ' : c);
        }
      }
      return collapsed;
    }

    // Keeps at most "max" bytes; beyond that throws (notification) or drops (text).
    class BoundedSink : public ByteSink
    {
    public:
      BoundedSink(size_t max, bool truncate) :
        max_(max),
        truncate_(truncate)
      {
      }

      using ByteSink::Write;
      void Write(const void* data, size_t size) override
      {
        if (content_.size() + size > max_)
        {
          if (!truncate_)
          {
            throw Error(ErrorKind::LimitExceeded, "The acknowledgement's disposition-notification part is larger than " +
                        std::to_string(max_) + " bytes");
          }
          size = max_ - content_.size();
        }
        content_.append(static_cast<const char*>(data), size);
      }

      const std::string& GetContent() const
      {
        return content_;
      }

    private:
      size_t max_;
      bool truncate_;
      std::string content_;
    };

    class ReportHandler : public IMimeHandler
    {
    public:
      void OnMultipartBegin(unsigned int depth, const MimeHeaders& headers) override
      {
        if (depth == 0 || headers.GetContentType().Is("multipart/report"))
        {
          Remember(headers);
        }
      }

      ByteSink* OnHeaders(unsigned int depth, const MimeHeaders& headers) override
      {
        const ContentType type = headers.GetContentType();
        if (type.Is("message/disposition-notification"))
        {
          if (notification_)
          {
            throw Error(ErrorKind::BadInput, "The acknowledgement has more than one disposition-notification part");
          }
          if (depth == 0)
          {
            Remember(headers);
          }
          notification_.reset(new BoundedSink(AcknowledgementParser::kMaxNotificationBytes, false));
          return notification_.get();
        }
        if (type.Is("application/pgp-keys") && !key_)
        {
          key_.reset(new KeyPartSink(KeyPartRule::kMaxBytes));
          return key_.get();
        }
        if (type.Is("text/plain") && !text_ && !notification_)
        {
          text_.reset(new BoundedSink(kMaxHumanText, true));
          return text_.get();
        }
        return nullptr;
      }

      const BoundedSink* GetNotification() const
      {
        return notification_.get();
      }

      std::string GetText() const
      {
        return text_ ? text_->GetContent() : std::string();
      }

      std::string GetKey() const
      {
        return key_ ? key_->GetContent() : std::string();
      }

      const std::string& GetSetId() const
      {
        return setId_;
      }

      const std::string& GetSetPart() const
      {
        return setPart_;
      }

    private:
      void Remember(const MimeHeaders& headers)
      {
        // The innermost report entity's values win over an outer wrapper's.
        std::string value;
        if (headers.Lookup(value, WireHeaders::kSetId))
        {
          setId_ = Trim(value);
        }
        if (headers.Lookup(value, WireHeaders::kSetPart))
        {
          setPart_ = Trim(value);
        }
      }

      std::unique_ptr<BoundedSink> notification_;
      std::unique_ptr<BoundedSink> text_;
      std::unique_ptr<KeyPartSink> key_;
      std::string setId_;
      std::string setPart_;
    };
  }

  AcknowledgementReport AcknowledgementParser::ParseFields(const std::string& notificationBody)
  {
    if (notificationBody.size() > kMaxNotificationBytes)
    {
      throw Error(ErrorKind::LimitExceeded, "The acknowledgement's disposition-notification part is larger than " +
                  std::to_string(kMaxNotificationBytes) + " bytes");
    }

    // The fields may come in groups separated by empty lines (RFC 3798
    // §3.1 borrows the DSN layout); read them as one header block.
    std::string block;
    size_t position = 0;
    while (position < notificationBody.size())
    {
      size_t end = notificationBody.find('\n', position);
      if (end == std::string::npos)
      {
        end = notificationBody.size();
      }
      std::string line = notificationBody.substr(position, end - position);
      if (!line.empty() && line.back() == '\r')
      {
        line.pop_back();
      }
      if (!Trim(line).empty())
      {
        block += line + "\r\n";
      }
      position = end + 1;
    }

    const MimeHeaders fields = MimeHeaders::Parse(block, kMaxNotificationBytes + 1024);

    AcknowledgementReport report;
    report.reportingUa = GetRequired(fields, "Reporting-UA");
    report.originalMessageId = GetRequired(fields, "Original-Message-ID");
    report.dispositionText = GetRequired(fields, "Disposition");
    report.disposition = ParseDisposition(report.dispositionText);

    // "rfc822; user@example" (address-type ";" address); a bare address is
    // accepted too.
    std::string recipient = GetRequired(fields, "Final-Recipient");
    const size_t semicolon = recipient.find(';');
    if (semicolon != std::string::npos)
    {
      recipient = Trim(recipient.substr(semicolon + 1));
    }
    if (recipient.size() >= 2 && recipient.front() == '<' && recipient.back() == '>')
    {
      recipient = Trim(recipient.substr(1, recipient.size() - 2));
    }
    if (recipient.empty())
    {
      throw Error(ErrorKind::BadInput, "The acknowledgement's Final-Recipient field has no address");
    }
    report.finalRecipient = recipient;
    report.readsBinaryParts = AcknowledgementCapabilities::NamesBinaryParts(fields.GetAll(AcknowledgementCapabilities::kField));
    report.completedMs = AcknowledgementCapabilities::ReadCompleted(fields.GetAll(AcknowledgementCapabilities::kCompletedField));
    return report;
  }

  AcknowledgementReport AcknowledgementParser::Parse(ByteSource& entity, const MimeLimits& limits)
  {
    ReportHandler handler;
    MimeParser parser(entity, handler, limits);
    parser.Parse();

    if (handler.GetNotification() == nullptr)
    {
      throw Error(ErrorKind::BadInput, "The acknowledgement has no message/disposition-notification part");
    }

    AcknowledgementReport report = ParseFields(handler.GetNotification()->GetContent());
    report.setId = handler.GetSetId();
    report.setPart = handler.GetSetPart();
    report.humanText = handler.GetText();
    report.publicKey = handler.GetKey();
    return report;
  }

  AcknowledgementReport AcknowledgementParser::Parse(const std::string& entity)
  {
    StringSource source(entity);
    return Parse(source);
  }
}
