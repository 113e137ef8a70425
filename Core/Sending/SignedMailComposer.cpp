// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Sending/SignedMailComposer.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Common/MailDate.h"
#include "Core/Mime/EncodedWords.h"
#include "Core/Mime/LineEnds.h"
#include "Core/Mime/MailboxFormatter.h"
#include "Core/Mime/MimeIdentifiers.h"
#include "Core/Mime/MimeWriter.h"

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

    std::string FormatRecipients(const SignedMailAddressing& addressing)
    {
      std::string to;
      for (size_t i = 0; i < addressing.toAddresses.size(); i++)
      {
        to += (i == 0 ? "" : ", ") +
          MailboxFormatter::FormatMailbox(i == 0 ? addressing.toName : "", addressing.toAddresses[i]);
      }
      return to;
    }
  }

  ComposedSignedMail SignedMailComposer::Compose(const SignedMailAddressing& addressing,
                                                 const MimeHeaders& extraHeaders,
                                                 const std::string& entity,
                                                 const std::string& signerFingerprint,
                                                 OpenPgpContext& crypto,
                                                 const std::string& path)
  {
    if (addressing.toAddresses.empty())
    {
      throw Error(ErrorKind::BadInput, "A signed mail needs at least one recipient");
    }
    StringSink signature;
    SignDetails details;
    {
      StringSource data(entity);
      details = crypto.Sign(data, signature, signerFingerprint, true, true);
    }

    ComposedSignedMail result;
    result.path = path;
    result.messageId = MimeIdentifiers::GenerateMessageId(DomainOf(addressing.fromAddress));

    MimeHeaders headers;
    headers.Add("From", MailboxFormatter::FormatMailbox(addressing.fromName, addressing.fromAddress));
    headers.Add("To", FormatRecipients(addressing));
    headers.Add("Date", MailDate::Format(time(nullptr)));
    headers.Add("Message-ID", result.messageId);
    headers.Add("Subject", EncodedWords::Encode(addressing.subject));
    headers.Add("MIME-Version", "1.0");
    for (const MimeHeaderField& field : extraHeaders.GetFields())
    {
      headers.Add(field.name, field.value);
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
      writer.BeginLeaf(signatureHeaders, TransferEncoding::SevenBit).Write(LineEnds::ToCrlf(signature.GetContent()));
      writer.EndLeaf();
      writer.EndMultipart();
      writer.Finish();
    }
    file.Close();
    result.size = counter.GetCount();
    return result;
  }
}
