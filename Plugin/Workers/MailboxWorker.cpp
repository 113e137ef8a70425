// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Workers/MailboxWorker.h"

#include "Core/Common/Error.h"
#include "Core/Polling/ImapMailboxSession.h"
#include "Core/Polling/Pop3MailboxSession.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Receiving/OrthancInstanceImporter.h"
#include "Plugin/Receiving/PartnerTrustPolicy.h"
#include "Plugin/Workers/PollerWiring.h"

#include <chrono>
#include <ctime>

namespace DicomMail
{
  MailboxWorker::MailboxWorker(const IncomingAccountSettings& settings, IPollEvents& events,
                               ClusterMembership& cluster) :
    settings_(settings),
    events_(events),
    cluster_(cluster),
    schedule_(std::chrono::seconds(settings.pollInterval))
  {
  }

  MailboxWorker::~MailboxWorker()
  {
    Stop();
  }

  void MailboxWorker::Start()
  {
    stop_ = false;
    thread_ = std::thread(&MailboxWorker::Run, this);
  }

  void MailboxWorker::Stop()
  {
    stop_ = true;
    schedule_.Stop();
    if (thread_.joinable())
    {
      thread_.join();
      cluster_.StopPolling(settings_.name);
    }
  }

  bool MailboxWorker::ShouldStopPolling()
  {
    if (stop_)
    {
      return true;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - leaseCheckedAt_ < std::chrono::seconds(1))
    {
      return false;
    }
    leaseCheckedAt_ = now;
    try
    {
      return !cluster_.TryPoll(settings_.name);
    }
    catch (const std::exception&)
    {
      return true;   // cannot tell: another node may poll already
    }
  }

  uint64_t MailboxWorker::RequestPoll()
  {
    return schedule_.Request();
  }

  Json::Value MailboxWorker::AwaitPoll(uint64_t ticket, PollSchedule::Clock::time_point deadline)
  {
    Json::Value summary;
    if (!schedule_.Await(ticket, deadline, summary))
    {
      // Busy with a long transfer, or stopping: the others' answers still count.
      summary = Json::objectValue;
      summary["Account"] = settings_.name;
      summary["Error"] = "mailbox \"" + settings_.name + "\" did not finish a poll in time; it is still polling";
    }
    return summary;
  }

  PollSummary MailboxWorker::PollOnce()
  {
    PluginContext& context = PluginContext::Get();
    const MailAccount account = context.GetIncomingAccount(settings_);
    const TransferProgress progress = [this](uint64_t, uint64_t) {
      return !stop_;
    };

    PollerWiring wiring(settings_.name, events_);
    InboxPoller::Dependencies& d = wiring.GetDependencies();
    d.stopRequested = [this] { return ShouldStopPolling(); };
    if (cluster_.IsShared())
    {
      const std::string mailbox = settings_.name;
      d.claimMail = [this, mailbox](const std::string& serverId) { return cluster_.ClaimMail(mailbox, serverId); };
      d.releaseMail = [this, mailbox](const std::string& serverId) { cluster_.ReleaseMail(mailbox, serverId); };
    }
    InboxPoller poller(d);

    const std::string scheme = account.url.substr(0, account.url.find(':'));
    if (scheme == "pop3" || scheme == "pop3s")
    {
      Pop3MailboxSession session(account, progress);
      return poller.Poll(session);
    }
    ImapMailboxSession& session = ImapSessionFor(account, progress);
    PollSummary summary;
    try
    {
      summary = poller.Poll(session);
    }
    catch (...)
    {
      imap_.reset();   // gives back its claims; the next poll starts on fresh connections
      throw;
    }
    ReadQuota(session);
    KeepProcessedFolder(account, progress);
    return summary;
  }

  ImapMailboxSession& MailboxWorker::ImapSessionFor(const MailAccount& account, const TransferProgress& progress)
  {
    if (imap_ && account.url == imapAccount_.url && account.user == imapAccount_.user &&
        account.password == imapAccount_.password)
    {
      imap_->BeginNextPoll();
      return *imap_;
    }
    imap_.reset();
    imap_.reset(new ImapMailboxSession(account, settings_, progress, cluster_.GetImapClaimOwner()));
    imapAccount_ = account;
    return *imap_;
  }

  void MailboxWorker::ReadQuota(ImapMailboxSession& session)
  {
    try
    {
      bool offered = false;
      const ImapQuota quota = session.ReadQuota(offered);
      PluginContext::Get().GetStatusBoard().ReportQuota(settings_.name, offered, quota.usedBytes,
                                                        quota.limitBytes, quota.Percent());
      if (quotaWarning_.Crossed(quota))
      {
        OrthancApi::LogWarning("mailbox \"" + settings_.name + "\" is " + std::to_string(quota.Percent()) +
                               " % full (" + std::to_string(quota.usedBytes / 1024) + " of " +
                               std::to_string(quota.limitBytes / 1024) + " KiB): partners' mail will be "
                               "refused once it is full; lower ProcessedRetentionDays or raise the quota");
      }
    }
    catch (const std::exception& e)
    {
      imap_.reset();   // its connection may be broken: the next poll opens new ones
      OrthancApi::LogWarning("cannot read the quota of mailbox \"" + settings_.name + "\": " + e.what());
    }
  }

  void MailboxWorker::KeepProcessedFolder(const MailAccount& account, const TransferProgress& progress)
  {
    if (settings_.deleteProcessed || settings_.processedFolder.empty())
    {
      return;   // nothing is kept there
    }
    const int64_t now = static_cast<int64_t>(time(nullptr));
    if (!housekeeping_.IsDue(now, settings_.processedRetentionSeconds))
    {
      return;
    }
    try
    {
      ImapMailbox processed(account, settings_.processedFolder);
      processed.SetProgress(progress);   // Stop() ends it within a second, as a poll
      const unsigned int expunged = housekeeping_.Run(processed, now, settings_.processedRetentionSeconds);
      if (expunged > 0)
      {
        OrthancApi::LogInfo("mailbox \"" + settings_.name + "\": expunged " + std::to_string(expunged) +
                            " processed mails older than the retention from \"" + settings_.processedFolder + "\"");
      }
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogWarning("cannot clean the folder \"" + settings_.processedFolder + "\" of mailbox \"" +
                             settings_.name + "\": " + e.what());
    }
  }

  void MailboxWorker::Run()
  {
    PluginContext& context = PluginContext::Get();
    for (;;)
    {
      schedule_.BeginPoll();
      Json::Value summary;
      summary["Account"] = settings_.name;
      try
      {
        if (cluster_.TryPoll(settings_.name))
        {
          leaseCheckedAt_ = std::chrono::steady_clock::now();
          context.GetStatusBoard().ReportPollStarted(settings_.name);   // ended by the success or error below
          const PollSummary s = PollOnce();
          if (cluster_.IsShared())
          {
            cluster_.ForgetAbandonedClaims();
          }
          context.GetStatusBoard().ReportSuccess(settings_.name);
          summary["Fetched"] = s.fetched;
          summary["Imported"] = s.imported;
          summary["Rejected"] = s.rejected;
          summary["Quarantined"] = s.quarantined;
          summary["Acknowledgements"] = s.acknowledgements;
          summary["Fragments"] = s.fragments;
          summary["Duplicates"] = s.duplicates;
        }
        else
        {
          // Another node of the site polls this mailbox (#18); we look
          // again next interval, and take over once its lease is gone.
          imap_.reset();
          summary["Polled"] = false;
        }
        context.RenewSiteKeyIfDue();   // here because this thread wakes regularly anyway; never waits (#25)
      }
      catch (const std::exception& e)
      {
        imap_.reset();   // whatever failed, the next poll starts fresh
        context.GetStatusBoard().ReportError(settings_.name, e.what());
        OrthancApi::LogWarning("polling mailbox \"" + settings_.name + "\" failed: " + e.what());
        summary["Error"] = e.what();
      }

      schedule_.EndPoll(summary);
      if (stop_ || !schedule_.WaitForNextPoll())
      {
        imap_.reset();   // on this thread, which used it
        return;
      }
    }
  }
}
