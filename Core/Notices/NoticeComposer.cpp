// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Notices/NoticeComposer.h"

#include "Core/Common/ByteStream.h"
#include "Core/Mime/MimeWriter.h"

namespace DicomMail
{
  namespace NoticeComposer
  {
    namespace
    {
      std::string ToCrlf(const std::string& text)
      {
        std::string result;
        for (char c : text)
        {
          if (c == '\n')
          {
            result += '\r';
          }
          result += c;
        }
        return result;
      }
    }

    std::string BuildEntity(const NoticeMessage& message)
    {
      StringSink sink;
      {
        MimeWriter writer(sink);
        MimeHeaders headers;
        headers.Add("Content-Type", "text/plain; charset=utf-8");
        writer.BeginLeaf(headers, TransferEncoding::Base64).Write(ToCrlf(message.body));
        writer.EndLeaf();
        writer.Finish();
      }
      return sink.GetContent();
    }

    ComposedSignedMail Compose(const NoticeFacts& facts, const std::string& fromAddress,
                               const std::string& fromName, const std::vector<std::string>& to,
                               const std::string& signerFingerprint, OpenPgpContext& crypto,
                               const std::string& path)
    {
      const NoticeMessage message = NoticeText::Write(facts);
      SignedMailAddressing addressing;
      addressing.fromName = fromName;
      addressing.fromAddress = fromAddress;
      addressing.toAddresses = to;
      addressing.subject = message.subject;
      MimeHeaders headers;
      headers.Add("Auto-Submitted", "auto-generated");   // RFC 3834: no auto-replies
      headers.Add("X-DICOM-Mail-Notice", ToString(facts.kind));
      return SignedMailComposer::Compose(addressing, headers, BuildEntity(message), signerFingerprint, crypto,
                                         path);
    }
  }
}
