// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Polling/IMailboxSession.h"
#include "Core/Polling/ImapClaimLedger.h"
#include "Core/Transport/ImapMailbox.h"

#include <set>

namespace DicomMail
{
  // The poller's view of an IMAP folder. Before a mail is fetched it is
  // claimed, so that a second Orthanc polling the same mailbox (a second
  // site process, a restored backup started by mistake) cannot import it
  // too: a keyword set by a conditional STORE (only one client wins), then
  // a move into the claim folder. The poller works on the claim folder,
  // whose UIDs are the stable server ids of its records; which claims are
  // its own, ImapClaimLedger knows.
  class ImapMailboxSession : public IMailboxSession
  {
  public:
    ImapMailboxSession(const MailAccount& account, const IncomingAccountSettings& settings,
                       const TransferProgress& progress,
                       ImapClaimLedger& ledger = ImapClaimLedger::ForThisProcess());

    // Releases stale claims of others, claims the candidates of the polled
    // folder and lists every mail this process holds in the claim folder.
    std::vector<ServerMessage> ListCandidates() override;
    void Fetch(const ServerMessage& message, ByteSink& sink) override;
    void Finish(const ServerMessage& message, Destination destination) override;
    // Mails fetched but not finished that are neither fragments nor
    // DICOM-Mail are not ours (the classifier said "other", e.g. a person's
    // multipart/mixed mail): they go back to the polled folder, marked so
    // that they are not claimed again.
    void Commit() override;

    bool KeepsRejectedMail() const override
    {
      return true;
    }

    // The server-side search that selects DICOM-Mail, fragments and MDNs.
    static const char* const kCandidateSearch;

    // Where claimed mail waits while this process works on it.
    static const char* const kClaimFolder;

    // On a mail given back because it is not DICOM-Mail.
    static const char* const kNotOursKeyword;

    // The lock taken before the move.
    static const char* const kClaimKeyword;

  private:
    std::string ClaimId(uint32_t uid) const;
    void ReleaseStaleClaims();
    void ClaimCandidates();
    void GiveBack(uint32_t claimedUid);

    IncomingAccountSettings settings_;
    ImapMailbox mailbox_;
    ImapMailbox claimed_;
    ImapClaimLedger& ledger_;
    std::string folderKey_;
    std::string inboxKey_;
    uint32_t claimValidity_ = 0;
    std::set<uint32_t> fetchedUnfinished_;
  };
}
