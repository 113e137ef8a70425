// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Polling/IMailboxSession.h"
#include "Core/Transport/Pop3Mailbox.h"

namespace DicomMail
{
  // POP3 has no search and no folders: every message is a candidate (the
  // poller remembers the UIDLs it has seen) and finished mail is deleted.
  class Pop3MailboxSession : public IMailboxSession
  {
  public:
    Pop3MailboxSession(const MailAccount& account, const TransferProgress& progress);

    std::vector<ServerMessage> ListCandidates() override;
    void Fetch(const ServerMessage& message, ByteSink& sink) override;
    void Finish(const ServerMessage& message, Destination destination) override;
    void Commit() override;

    bool KeepsRejectedMail() const override
    {
      return false;
    }

  private:
    Pop3Mailbox mailbox_;
  };
}
