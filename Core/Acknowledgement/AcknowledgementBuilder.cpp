// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Acknowledgement/AcknowledgementBuilder.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/KeyTravel.h"
#include "Core/Mime/ContentType.h"
#include "Core/Mime/MimeHeaders.h"
#include "Core/Mime/MimeWriter.h"
#include "Core/Acknowledgement/AcknowledgementCapabilities.h"
#include "Core/Store/UtcMillis.h"
#include "Core/Transfer/SetId.h"
#include "Core/Transfer/WireHeaders.h"

namespace DicomMail
{
  namespace
  {
    const size_t kMaxFieldLength = 900;   // keeps every line under RFC 5322's 998

    void CheckAscii(const std::string& value, const char* what, bool required)
    {
      if (value.empty())
      {
        if (required)
        {
          throw Error(ErrorKind::BadInput, std::string("The acknowledgement has no ") + what);
        }
        return;
      }
      if (value.size() > kMaxFieldLength)
      {
        throw Error(ErrorKind::BadInput, std::string("The acknowledgement's ") + what + " is too long");
      }
      for (char c : value)
      {
        if (c < 32 || c >= 127)
        {
          throw Error(ErrorKind::BadInput, std::string("The acknowledgement's ") + what +
                      " contains a character that is not printable ASCII");
        }
      }
    }

    // Breaks text into CRLF lines of at most 76 characters at spaces.
    std::string WrapText(const std::string& text)
    {
      std::string result;
      std::string line;
      size_t position = 0;
      while (position < text.size())
      {
        size_t end = text.find(' ', position);
        if (end == std::string::npos)
        {
          end = text.size();
        }
        const std::string word = text.substr(position, end - position);
        if (!line.empty() && line.size() + 1 + word.size() > 76)
        {
          result += line + "\r\n";
          line.clear();
        }
        if (!word.empty())
        {
          line += (line.empty() ? "" : " ") + word;
        }
        position = end + 1;
      }
      if (!line.empty())
      {
        result += line + "\r\n";
      }
      return result;
    }
  }

  std::string AcknowledgementBuilder::DescribeDisposition(Disposition disposition)
  {
    switch (disposition)
    {
      case Disposition::Displayed:
        return "The DICOM-Mail message was received and all its instances are stored.";
      case Disposition::DisplayedWarning:
        return "The DICOM-Mail message was received and its instances are stored, with a warning.";
      case Disposition::DeletedError:
        return "The DICOM-Mail message could not be processed. Sending it again may help.";
      case Disposition::Deleted:
        return "The DICOM-Mail message could not be processed. Sending it again will not help.";
    }
    throw Error(ErrorKind::Internal, "Unknown disposition");
  }

  void AcknowledgementBuilder::Write(const AcknowledgementContent& content, ByteSink& output)
  {
    CheckAscii(content.reportingUa, "Reporting-UA", true);
    CheckAscii(content.finalRecipient, "Final-Recipient", true);
    CheckAscii(content.originalMessageId, "Original-Message-ID", true);
    CheckAscii(content.setPart, "set part", false);
    CheckAscii(content.detail, "detail text", false);
    if (!content.setId.empty())
    {
      SetId::Check(content.setId);
    }
    if (!content.setPart.empty() && content.setPart.find_first_not_of("0123456789") != std::string::npos)
    {
      throw Error(ErrorKind::BadInput, "The acknowledgement's set part is not a number");
    }

    MimeHeaders top;
    if (!content.setId.empty())
    {
      top.Add(WireHeaders::kSetId, content.setId);
    }
    if (!content.setPart.empty())
    {
      top.Add(WireHeaders::kSetPart, content.setPart);
    }
    ContentType report("multipart", "report");
    report.SetParameter("report-type", "disposition-notification");

    MimeWriter writer(output);
    writer.BeginMultipart(top, report);

    MimeHeaders textHeaders;
    textHeaders.Add("Content-Type", "text/plain; charset=us-ascii");
    ByteSink& text = writer.BeginLeaf(textHeaders, TransferEncoding::SevenBit);
    std::string sentence = DescribeDisposition(content.disposition) +
      " Message-ID: " + content.originalMessageId + ".";
    if (!content.detail.empty())
    {
      sentence += " " + content.detail;
    }
    text.Write(WrapText(sentence));
    writer.EndLeaf();

    MimeHeaders notificationHeaders;
    notificationHeaders.Add("Content-Type", "message/disposition-notification");
    ByteSink& notification = writer.BeginLeaf(notificationHeaders, TransferEncoding::SevenBit);
    notification.Write(MimeHeaders::FoldField("Reporting-UA", content.reportingUa) + "\r\n" +
                       MimeHeaders::FoldField("Final-Recipient", "rfc822; " + content.finalRecipient) + "\r\n" +
                       MimeHeaders::FoldField("Original-Message-ID", content.originalMessageId) + "\r\n" +
                       "Disposition: " + ToString(content.disposition) + "\r\n" +
                       (content.readsBinaryParts ? std::string(AcknowledgementCapabilities::kField) + ": " +
                        AcknowledgementCapabilities::kBinaryParts + "\r\n" : std::string()) +
                       (content.completedMs > 0 ? std::string(AcknowledgementCapabilities::kCompletedField) + ": " +
                        UtcMillis::Format(content.completedMs) + "\r\n" : std::string()));
    writer.EndLeaf();

    if (!content.publicKey.empty())
    {
      // RFC 6522 leaves the third part of a report optional and free; a
      // reader that expects the returned message there finds no headers
      // it knows and ignores it.
      MimeHeaders keyHeaders;
      ContentType keyType("application", "pgp-keys");
      keyType.SetParameter("name", KeyTravel::kPartName);
      keyHeaders.Add("Content-Type", keyType.Format());
      ByteSink& key = writer.BeginLeaf(keyHeaders, TransferEncoding::SevenBit);
      key.Write(content.publicKey);
      writer.EndLeaf();
    }

    writer.EndMultipart();
    writer.Finish();
  }

  std::string AcknowledgementBuilder::Build(const AcknowledgementContent& content)
  {
    StringSink sink;
    Write(content, sink);
    return sink.GetContent();
  }
}
