// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Sending/MailComposer.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Common/MailDate.h"
#include "Core/Mime/EncodedWords.h"
#include "Core/Mime/MailboxFormatter.h"
#include "Core/Mime/MimeIdentifiers.h"
#include "Core/Sending/DicomEntitySource.h"
#include "Core/Sending/EncryptedMailWriter.h"
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

    DicomEntitySource entity(envelope, instances, totals, source_);
    result.size = EncryptedMailWriter::Write(headers, entity, crypto_, protection, path);
    result.dicomBytes = entity.GetDicomBytes();
    result.instances = static_cast<unsigned int>(entity.GetManifest().instances.size());
    return result;
  }
}
