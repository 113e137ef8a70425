// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Sending/MailComposer.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Common/MailDate.h"
#include "Core/Mime/EncodedWords.h"
#include "Core/Mime/MailboxFormatter.h"
#include "Core/Mime/MimeIdentifiers.h"
#include "Core/Mime/MimeWriter.h"
#include "Core/Mime/PgpArmorWriter.h"
#include "Core/Sending/DicomEntitySource.h"
#include "Core/Transfer/WireHeaders.h"

namespace DicomMail
{
  namespace
  {
    std::string DomainOf(const std::string& address)
    {
      const size_t at = address.rfind('@');
      return at == std::string::npos ? "localhost" : address.substr(at + 1);
    }
  }

  MailComposer::MailComposer(OpenPgpContext& crypto, IInstanceSource& source) :
    crypto_(crypto),
    source_(source)
  {
  }

  ComposedMail MailComposer::Compose(const MailEnvelope& envelope,
                                     const std::vector<MailInstance>& instances,
                                     const SetTotals& totals,
                                     const MailProtection& protection,
                                     const std::string& path)
  {
    ComposedMail result;
    result.path = path;
    result.messageId = MimeIdentifiers::GenerateMessageId(DomainOf(envelope.fromAddress));

    MimeHeaders headers;
    headers.Add("From", MailboxFormatter::FormatMailbox(envelope.fromName, envelope.fromAddress));
    headers.Add("To", MailboxFormatter::FormatMailbox(envelope.toName, envelope.toAddress));
    headers.Add("Date", MailDate::Format(envelope.date == 0 ? time(nullptr) : envelope.date));
    headers.Add("Message-ID", result.messageId);
    headers.Add("Subject", EncodedWords::Encode(envelope.subject));
    headers.Add("MIME-Version", "1.0");
    WireHeaders::AddSetHeaders(headers, envelope.setId, envelope.part, envelope.total);
    if (!envelope.dispositionNotificationTo.empty())
    {
      headers.Add(WireHeaders::kDispositionNotificationTo,
                  MailboxFormatter::FormatMailbox("", envelope.dispositionNotificationTo));
    }

    FileSink file(path);
    CountingSink counter(&file);
    {
      MimeWriter writer(counter);
      ContentType encrypted("multipart", "encrypted");
      encrypted.SetParameter("protocol", "application/pgp-encrypted");
      writer.BeginMultipart(headers, encrypted);

      MimeHeaders control;
      control.Add("Content-Type", "application/pgp-encrypted");
      writer.BeginLeaf(control, TransferEncoding::SevenBit).Write(std::string("Version: 1\r\n"));
      writer.EndLeaf();

      MimeHeaders payload;
      ContentType octets("application", "octet-stream");
      octets.SetParameter("name", "encrypted.asc");
      payload.Add("Content-Type", octets.Format());
      ByteSink& body = writer.BeginLeaf(payload, TransferEncoding::SevenBit);
      // The longest lines RFC 4880 allows: 0.5% fewer bytes than GnuPG's 64.
      PgpArmorWriter armor(body, "MESSAGE", PgpArmorWriter::Headers(), PgpArmorWriter::kMaxLineLength);
      DicomEntitySource entity(envelope, instances, totals, source_);
      crypto_.EncryptAndSign(entity, armor, protection.recipientFingerprints, protection.signerFingerprint,
                             protection.compress, protection.encryptToSelf);
      armor.Finish();
      writer.EndLeaf();
      writer.EndMultipart();
      writer.Finish();

      result.dicomBytes = entity.GetDicomBytes();
      result.instances = static_cast<unsigned int>(entity.GetManifest().instances.size());
    }
    file.Close();
    result.size = counter.GetCount();
    return result;
  }
}
