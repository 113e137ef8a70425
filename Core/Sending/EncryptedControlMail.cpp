// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Sending/EncryptedControlMail.h"

#include "Core/Common/Error.h"
#include "Core/Common/MailDate.h"
#include "Core/Mime/EncodedWords.h"
#include "Core/Mime/MailboxFormatter.h"
#include "Core/Mime/MimeIdentifiers.h"
#include "Core/Sending/EncryptedMailWriter.h"

#include <ctime>

namespace DicomMail
{
  ComposedSignedMail EncryptedControlMail::Compose(ByteSource& entity, const std::string& defaultSubject,
                                                   const SignedMailAddressing& addressing,
                                                   const MailProtection& protection, OpenPgpContext& crypto,
                                                   const std::string& path)
  {
    if (addressing.toAddresses.empty())
    {
      throw Error(ErrorKind::BadInput, "a mail to a partner needs a recipient");
    }
    const std::string& from = addressing.fromAddress;
    const size_t at = from.rfind('@');
    ComposedSignedMail result;
    result.path = path;
    result.messageId = MimeIdentifiers::GenerateMessageId(at == std::string::npos ? "localhost" : from.substr(at + 1));

    MimeHeaders headers;
    headers.Add("From", MailboxFormatter::FormatMailbox(addressing.fromName, addressing.fromAddress));
    headers.Add("To", MailboxFormatter::FormatMailbox(addressing.toName, addressing.toAddresses.front()));
    headers.Add("Date", MailDate::Format(time(nullptr)));
    headers.Add("Message-ID", result.messageId);
    headers.Add("Subject", EncodedWords::Encode(addressing.subject.empty() ? defaultSubject : addressing.subject));
    headers.Add("MIME-Version", "1.0");

    result.size = EncryptedMailWriter::Write(headers, entity, crypto, protection, path);
    return result;
  }
}
