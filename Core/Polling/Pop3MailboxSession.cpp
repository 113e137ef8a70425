// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/Pop3MailboxSession.h"

namespace DicomMail
{
  Pop3MailboxSession::Pop3MailboxSession(const MailAccount& account, const TransferProgress& progress) :
    mailbox_(account)
  {
    mailbox_.SetProgress(progress);
  }

  std::vector<ServerMessage> Pop3MailboxSession::ListCandidates()
  {
    std::vector<ServerMessage> result;
    for (const Pop3Mailbox::Entry& entry : mailbox_.ListUidl())
    {
      ServerMessage m;
      m.number = entry.number;
      m.uidl = entry.uidl;
      m.serverId = entry.uidl;
      result.push_back(m);
    }
    return result;
  }

  void Pop3MailboxSession::Fetch(const ServerMessage& message, ByteSink& sink)
  {
    Pop3Mailbox::Entry entry;
    entry.number = message.number;
    entry.uidl = message.uidl;
    mailbox_.Retrieve(entry, sink);
  }

  void Pop3MailboxSession::Finish(const ServerMessage& message, Destination)
  {
    Pop3Mailbox::Entry entry;
    entry.number = message.number;
    entry.uidl = message.uidl;
    mailbox_.Delete(entry);
  }

  void Pop3MailboxSession::Commit()
  {
    mailbox_.Commit();
  }
}
