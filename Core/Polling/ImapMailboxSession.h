// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Polling/IMailboxSession.h"
#include "Core/Transport/ImapMailbox.h"

namespace DicomMail
{
  class ImapMailboxSession : public IMailboxSession
  {
  public:
    ImapMailboxSession(const MailAccount& account, const IncomingAccountSettings& settings,
                       const TransferProgress& progress);

    std::vector<ServerMessage> ListCandidates() override;
    void Fetch(const ServerMessage& message, ByteSink& sink) override;
    void Finish(const ServerMessage& message, Destination destination) override;
    void Commit() override;

    bool KeepsRejectedMail() const override
    {
      return true;
    }

    // The server-side search that selects DICOM-Mail, fragments and MDNs.
    static const char* const kCandidateSearch;

  private:
    IncomingAccountSettings settings_;
    ImapMailbox mailbox_;
  };
}
