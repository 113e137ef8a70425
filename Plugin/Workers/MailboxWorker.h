// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Polling/ImapMailboxSession.h"
#include "Core/Polling/InboxPoller.h"
#include "Core/Polling/PollSchedule.h"
#include "Core/Polling/ProcessedFolderHousekeeping.h"
#include "Core/Polling/QuotaWarning.h"
#include "Plugin/Workers/ClusterMembership.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace DicomMail
{
  // One thread per incoming account: polls every PollInterval seconds, or
  // at once when woken (POST /dicom-mail/fetch); nothing it waits for is
  // held by another mailbox for longer than a mail (#25). Stop() interrupts a
  // transfer in progress within about a second, so Orthanc stops quickly.
  // With several nodes on one database (#18) it polls only while this node
  // holds the mailbox's lease, and claims each mail before it fetches it.
  class MailboxWorker
  {
  public:
    MailboxWorker(const IncomingAccountSettings& settings, IPollEvents& events, ClusterMembership& cluster);
    ~MailboxWorker();

    void Start();
    void Stop();

    // Asks for a poll now (a ticket for AwaitPoll); does not wait, so that
    // every mailbox can be asked before anyone waits for one.
    uint64_t RequestPoll();

    // The summary of the poll of "ticket" as JSON; an "Error" when it did
    // not end before "deadline".
    Json::Value AwaitPoll(uint64_t ticket, PollSchedule::Clock::time_point deadline);

    const std::string& GetName() const
    {
      return settings_.name;
    }

  private:
    void Run();
    PollSummary PollOnce();
    // Whether the poll in progress should end: a stop, or the lease lost
    // (asked at most once a second).
    bool ShouldStopPolling();
    // After an IMAP poll; neither fails the poll (logged instead).
    void ReadQuota(ImapMailboxSession& session);
    void KeepProcessedFolder(const MailAccount& account, const TransferProgress& progress);
    // The IMAP session kept from the last poll when it committed on the same
    // account, else a new one (#15): a poll reuses the logged-in connections
    // instead of a TLS handshake and LOGIN per folder.
    ImapMailboxSession& ImapSessionFor(const MailAccount& account, const TransferProgress& progress);

    IncomingAccountSettings settings_;
    IPollEvents& events_;
    ClusterMembership& cluster_;
    std::chrono::steady_clock::time_point leaseCheckedAt_;   // the polling thread's
    std::atomic<bool> stop_{false};
    PollSchedule schedule_;
    std::thread thread_;
    QuotaWarning quotaWarning_;                    // kept across polls: warn once per crossing
    ProcessedFolderHousekeeping housekeeping_;     // kept across polls: once a day
    // The polling thread's; dropped after any error, on losing the lease and
    // when the thread ends. POP3 keeps none: its session locks the maildrop.
    std::unique_ptr<ImapMailboxSession> imap_;
    MailAccount imapAccount_;
  };
}
