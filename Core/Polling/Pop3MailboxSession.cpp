// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/Pop3MailboxSession.h"

#include "Core/Transport/TransportError.h"

namespace DicomMail
{
  namespace
  {
    // POP3 has no atomic claim: two pollers of one maildrop would both
    // import each mail. What shows that a second one is at work is a mail
    // that vanishes or changes between our listing and our RETR/DELE.
    [[noreturn]] void RethrowNamingSecondPoller(const TransportError& e)
    {
      const std::string what = e.what();
      const bool vanished = what.find("is no longer UIDL") != std::string::npos ||
        e.GetServerReply().compare(0, 4, "-ERR") == 0;
      if (!vanished)
      {
        throw e;
      }
      throw TransportError(TransportError::Nature::Temporary, what + ". A message listed a moment ago is gone or "
                           "changed: most likely another program (a second Orthanc, a mail client) is reading "
                           "this POP3 mailbox and deleting mail. One poller per POP3 mailbox is required", 0,
                           e.GetServerReply());
    }
  }

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
    try
    {
      mailbox_.Retrieve(entry, sink);
    }
    catch (const TransportError& e)
    {
      RethrowNamingSecondPoller(e);
    }
  }

  void Pop3MailboxSession::Finish(const ServerMessage& message, Destination)
  {
    Pop3Mailbox::Entry entry;
    entry.number = message.number;
    entry.uidl = message.uidl;
    try
    {
      mailbox_.Delete(entry);
    }
    catch (const TransportError& e)
    {
      RethrowNamingSecondPoller(e);
    }
  }

  void Pop3MailboxSession::Commit()
  {
    mailbox_.Commit();
  }
}
