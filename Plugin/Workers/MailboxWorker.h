// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Polling/ImapMailboxSession.h"
#include "Core/Polling/InboxPoller.h"
#include "Core/Polling/ProcessedFolderHousekeeping.h"
#include "Core/Polling/QuotaWarning.h"
#include "Plugin/Workers/ClusterMembership.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace DicomMail
{
  // One thread per incoming account: polls every PollInterval seconds, or
  // at once when woken (POST /dicom-mail/fetch). Stop() interrupts a
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

    // Asks for a poll now and waits (at most timeoutSeconds) until one has
    // completed; returns its summary as JSON.
    Json::Value PollNow(unsigned int timeoutSeconds);

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

    IncomingAccountSettings settings_;
    IPollEvents& events_;
    ClusterMembership& cluster_;
    std::chrono::steady_clock::time_point leaseCheckedAt_;   // the polling thread's
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable polled_;
    bool stop_ = false;
    bool wakeRequested_ = false;
    bool polling_ = false;
    uint64_t pollsDone_ = 0;
    Json::Value lastSummary_;
    std::thread thread_;
    QuotaWarning quotaWarning_;                    // kept across polls: warn once per crossing
    ProcessedFolderHousekeeping housekeeping_;     // kept across polls: once a day
  };
}
