// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Acknowledgement/AcknowledgementComposer.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Common/MailDate.h"
#include "Core/Mime/EncodedWords.h"
#include "Core/Mime/MailboxFormatter.h"
#include "Core/Mime/MimeIdentifiers.h"
#include "Core/Mime/MimeWriter.h"
#include "Core/Transfer/WireHeaders.h"

#include <ctime>

namespace DicomMail
{
  namespace
  {
    std::string DomainOf(const std::string& address)
    {
      const size_t at = address.rfind('@');
      return at == std::string::npos ? "localhost" : address.substr(at + 1);
    }

    // gpg writes armor with LF line ends; MIME wants CRLF.
    std::string ToCrlf(const std::string& text)
    {
      std::string result;
      result.reserve(text.size() + text.size() / 32);
      for (size_t i = 0; i < text.size(); i++)
      {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
        {
          result += '\r';
        }
        result += text[i];
      }
      return result;
    }
  }

  const char* const AcknowledgementComposer::kDefaultSubject = "DICOM-eMail acknowledgement";

  ComposedAcknowledgement AcknowledgementComposer::Compose(const AcknowledgementContent& content,
                                                           const std::string& fromAddress,
                                                           const std::string& fromName,
                                                           const std::string& toAddress,
                                                           const std::string& subject,
                                                           const std::string& signerFingerprint,
                                                           OpenPgpContext& crypto,
                                                           const std::string& path,
                                                           const std::string& toName)
  {
    // Our receiver reads binary application/dicom parts; saying so inside the
    // signed report lets the partner's site of this plugin send them (#15).
    AcknowledgementContent ours = content;
    ours.readsBinaryParts = true;
    // The signed text is exactly the entity as written (CRLF throughout).
    const std::string entity = AcknowledgementBuilder::Build(ours);
    StringSink signature;
    SignDetails details;
    {
      StringSource data(entity);
      details = crypto.Sign(data, signature, signerFingerprint, true, true);
    }

    ComposedAcknowledgement result;
    result.path = path;
    result.messageId = MimeIdentifiers::GenerateMessageId(DomainOf(fromAddress));

    MimeHeaders headers;
    headers.Add("From", MailboxFormatter::FormatMailbox(fromName, fromAddress));
    headers.Add("To", MailboxFormatter::FormatMailbox(toName, toAddress));
    headers.Add("Date", MailDate::Format(time(nullptr)));
    headers.Add("Message-ID", result.messageId);
    headers.Add("Subject", EncodedWords::Encode(subject));
    headers.Add("MIME-Version", "1.0");
    headers.Add("Auto-Submitted", "auto-replied");   // RFC 3834: no auto-reply loops
    if (!content.setId.empty())
    {
      headers.Add(WireHeaders::kSetId, content.setId);
    }
    if (!content.setPart.empty())
    {
      headers.Add(WireHeaders::kSetPart, content.setPart);
    }

    ContentType type("multipart", "signed");
    type.SetParameter("micalg", details.micalg);
    type.SetParameter("protocol", "application/pgp-signature");

    FileSink file(path);
    CountingSink counter(&file);
    {
      MimeWriter writer(counter);
      writer.BeginMultipart(headers, type);
      writer.BeginRawPart().Write(entity);
      writer.EndLeaf();

      MimeHeaders signatureHeaders;
      ContentType signatureType("application", "pgp-signature");
      signatureType.SetParameter("name", "signature.asc");
      signatureHeaders.Add("Content-Type", signatureType.Format());
      signatureHeaders.Add("Content-Description", "OpenPGP digital signature");
      writer.BeginLeaf(signatureHeaders, TransferEncoding::SevenBit).Write(ToCrlf(signature.GetContent()));
      writer.EndLeaf();
      writer.EndMultipart();
      writer.Finish();
    }
    file.Close();
    result.size = counter.GetCount();
    return result;
  }
}
