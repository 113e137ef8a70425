// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Polling/IMailboxSession.h"
#include "Core/Polling/ImapClaimLedger.h"
#include "Core/Transport/ImapMailbox.h"

#include <map>
#include <memory>
#include <set>

namespace DicomMail
{
  // The poller's view of an IMAP folder. Before a mail is fetched it is
  // claimed, so that a second Orthanc polling the same mailbox (a second
  // site process, a restored backup started by mistake) cannot import it
  // too: a keyword set by a conditional STORE (only one client wins), then
  // a move into the claim folder. The poller works on the claim folder,
  // whose UIDs are the server ids of its records; which claims are its own,
  // ImapClaimLedger knows. A claim lasts one poll: what the poll did not
  // finish goes back to the polled folder, except fragments waiting for
  // their siblings.
  class ImapMailboxSession : public IMailboxSession
  {
  public:
    // "ownerId" (ImapClaimOwner::Load) marks our claims on the server, so
    // that after a crash this site adopts them at its first poll; empty:
    // claims left by a crash come back only after the ledger's timeout.
    ImapMailboxSession(const MailAccount& account, const IncomingAccountSettings& settings,
                       const TransferProgress& progress, const std::string& ownerId = "",
                       ImapClaimLedger& ledger = ImapClaimLedger::ForThisProcess());

    // A poll that failed (no Commit): its claims go back, unmarked.
    ~ImapMailboxSession() override;

    // Readies a session whose last poll committed for the next poll (#15):
    // its connections, logged in, are used again. A session whose poll
    // failed is dropped instead (std::logic_error here), so that the next
    // poll starts on fresh connections.
    void BeginNextPoll();

    // Connections its folders opened so far, over all its polls.
    unsigned int GetConnectionsOpened() const;

    // Adopts our claims left by a crash (first poll only), releases stale
    // claims of others, claims the candidates of the polled folder, and
    // lists every mail this process holds in the claim folder.
    std::vector<ServerMessage> ListCandidates() override;
    void Fetch(const ServerMessage& message, ByteSink& sink) override;
    void Finish(const ServerMessage& message, Destination destination) override;
    void Leave(const ServerMessage& message) override;
    // Gives back what the poll did not finish. A mail fetched, not finished
    // and neither a fragment nor DICOM-Mail is not ours (the classifier said
    // "other", e.g. a person's multipart/mixed mail): it is marked so that
    // it is not claimed again.
    void Commit() override;

    bool KeepsRejectedMail() const override
    {
      return true;
    }

    // The first polled folder's quota, when the server offers QUOTA.
    ImapQuota ReadQuota(bool& offered);

    // The server-side search that selects DICOM-Mail, fragments and MDNs.
    static const char* const kCandidateSearch;

    // Where claimed mail waits while a poll works on it.
    static const char* const kClaimFolder;

    // On a mail given back because it is not DICOM-Mail.
    static const char* const kNotOursKeyword;

    // The lock taken before the move.
    static const char* const kClaimKeyword;

    // On every mail this plugin moved into the processed folder: only those
    // are expunged by the housekeeping (ProcessedFolderHousekeeping).
    static const char* const kProcessedKeyword;

    // On a claimed mail taken from polled folder i > 0: "$DicomMailFromFolder<i>".
    static std::string OriginKeyword(size_t folderIndex);

  private:
    std::string ClaimId(uint32_t uid) const;
    void AdoptOwnClaims();
    void ReleaseStaleClaims();
    void ClaimCandidates();
    void ReadOrigins();
    std::string FolderKey(const std::string& folder) const;
    void GiveBack(uint32_t claimedUid);
    void ReleaseUnfinished(bool markNotOurs);

    IncomingAccountSettings settings_;
    std::vector<std::unique_ptr<ImapMailbox>> sources_;   // one per polled folder
    ImapMailbox claimed_;
    ImapClaimLedger& ledger_;
    std::string ownerKeyword_;
    std::string folderKey_;
    std::string accountKey_;
    uint32_t claimValidity_ = 0;
    std::set<uint32_t> held_;      // listed by this poll, not finished
    std::set<uint32_t> fetched_;
    std::map<uint32_t, size_t> origin_;   // claimed UID -> polled folder index, when not 0
    bool committed_ = false;
    bool claimFolderCreated_ = false;
  };
}
