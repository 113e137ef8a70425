// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/ImapMailboxSession.h"

namespace DicomMail
{
  // HEADER x "" matches every mail that has header x (RFC 3501 6.4.4).
  // application/dicom and multipart/mixed too: unencrypted DICOM must be
  // seen to be refused (and listed), not left unnoticed; and mail without
  // any Content-Type, so that an empty mail is reported too.
  const char* const ImapMailboxSession::kCandidateSearch =
    "UNDELETED OR OR OR OR OR OR OR NOT HEADER Content-Type \"\" HEADER X-TELEMEDICINE-SETID \"\" HEADER Content-Type \"multipart/encrypted\" "
    "HEADER Content-Type \"message/partial\" HEADER Content-Type \"multipart/report\" "
    "HEADER Content-Type \"multipart/signed\" HEADER Content-Type \"application/dicom\" "
    "HEADER Content-Type \"multipart/mixed\"";

  ImapMailboxSession::ImapMailboxSession(const MailAccount& account, const IncomingAccountSettings& settings,
                                         const TransferProgress& progress) :
    settings_(settings),
    mailbox_(account, settings.folder)
  {
    mailbox_.SetProgress(progress);
  }

  std::vector<ServerMessage> ImapMailboxSession::ListCandidates()
  {
    const uint32_t validity = mailbox_.GetUidValidity();
    std::vector<ServerMessage> result;
    for (uint32_t uid : mailbox_.ListUids(kCandidateSearch))
    {
      ServerMessage m;
      m.uid = uid;
      m.serverId = std::to_string(validity) + ":" + std::to_string(uid);
      result.push_back(m);
    }
    return result;
  }

  void ImapMailboxSession::Fetch(const ServerMessage& message, ByteSink& sink)
  {
    mailbox_.Fetch(message.uid, sink);
  }

  void ImapMailboxSession::Finish(const ServerMessage& message, Destination destination)
  {
    if (destination == Destination::Processed)
    {
      if (settings_.deleteProcessed || settings_.processedFolder.empty())
      {
        mailbox_.Delete(message.uid);
      }
      else
      {
        mailbox_.Move(message.uid, settings_.processedFolder);
      }
    }
    else
    {
      mailbox_.Move(message.uid, settings_.rejectedFolder.empty() ? "Rejected" : settings_.rejectedFolder);
    }
  }

  void ImapMailboxSession::Commit()
  {
  }
}
