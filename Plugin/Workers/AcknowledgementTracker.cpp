// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Workers/AcknowledgementTracker.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Store/UtcTime.h"
#include "Core/Transport/SmtpSender.h"
#include "Plugin/Jobs/SendJob.h"
#include "Plugin/PluginContext.h"
#include "Core/Sending/SendingLeases.h"
#include "Plugin/Sending/InterruptedTransfers.h"
#include "Plugin/Sending/SendingNode.h"
#include "Plugin/QualityAssurance/DailyTests.h"
#include "Plugin/QualityAssurance/MonthlyMeasurements.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace DicomMail
{
  namespace
  {
    // Resends started per look at the outbox; the rest wait for the next.
    const unsigned int kResendBatch = 100;
  }

  AcknowledgementTracker::~AcknowledgementTracker()
  {
    Stop();
  }

  void AcknowledgementTracker::Start()
  {
    stop_ = false;
    startedAt_ = UtcTime::Now();
    sender_.Start();
    takeOver_.Start();
    thread_ = std::thread(&AcknowledgementTracker::Run, this);
  }

  void AcknowledgementTracker::Stop()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
    {
      thread_.join();
    }
    takeOver_.Stop();
    sender_.Stop();
  }

  void AcknowledgementTracker::OnAcknowledgementsQueued()
  {
    sender_.Wake();
  }

  void AcknowledgementTracker::OnKeyChanged(const std::string& fingerprint)
  {
    // The poll's events come here; a key a mail changed is shared with the
    // site's other nodes like one changed over REST (#18). Never throws.
    PluginContext::Get().PublishKeys({ fingerprint });
  }

  void AcknowledgementTracker::UpdateTransferState(const std::string& setId)
  {
    OutboxStore& outbox = PluginContext::Get().GetOutbox();
    OutboxTransfer transfer;
    std::vector<OutboxMail> mails;
    if (!outbox.GetTransfer(setId, transfer, mails) || OutboxStates::IsStopped(transfer.state))
    {
      return;
    }
    const bool all = std::all_of(mails.begin(), mails.end(), [](const OutboxMail& m) {
      return OutboxStates::IsAcknowledged(m.state);
    });
    if (all)
    {
      outbox.SetTransferState(setId, TransferState::Acknowledged, "");
    }
  }

  void AcknowledgementTracker::Resend(const std::string& setId, const std::vector<unsigned int>& parts,
                                      const std::string& why)
  {
    PluginContext& context = PluginContext::Get();
    OutboxStore& outbox = context.GetOutbox();
    OutboxTransfer transfer;
    std::vector<OutboxMail> mails;
    if (!outbox.GetTransfer(setId, transfer, mails))
    {
      return;
    }
    std::vector<unsigned int> resend;
    for (const OutboxMail& mail : mails)
    {
      if (std::find(parts.begin(), parts.end(), mail.part) == parts.end())
      {
        continue;
      }
      // attempts counts the sends so far: the first plus the resends.
      if (mail.attempts > context.GetConfiguration().maxResends)
      {
        const std::string reason = "mail " + std::to_string(mail.part) + " " + why + " after " +
          std::to_string(mail.attempts) + " attempts";
        outbox.SetMailState(setId, mail.part, MailState::Failed, reason);
        outbox.SetTransferState(setId, TransferState::Failed, reason);
        OrthancApi::LogWarning("transfer " + setId + " failed: " + reason);
        return;
      }
      OrthancApi::LogWarning("transfer " + setId + ": resending mail " + std::to_string(mail.part) + " (" + why + ")");
      resend.push_back(mail.part);
    }
    if (resend.empty())
    {
      return;
    }
    // The job marks the mails for sending when it starts: marking them here,
    // before the job exists, would strand them if Orthanc stopped in between
    // (a mail no longer "sent" is never found overdue again). One job for
    // all of them, in a new run: a job of the run before is superseded
    // (#18).
    const int64_t run = outbox.BeginRun(setId, SendingNode::Terms(SendingLeases::kTransferSeconds));
    const std::string jobId = OrthancJob::Submit(new SendJob(setId, run, resend, "resending: " + why), 0);
    outbox.SetJobId(setId, jobId);
  }

  void AcknowledgementTracker::OnAcknowledgement(const std::string& setId, unsigned int part, Disposition disposition)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    try
    {
      switch (disposition)
      {
        case Disposition::Displayed:
        case Disposition::DisplayedWarning:
          UpdateTransferState(setId);
          break;
        case Disposition::DeletedError:
          Resend(setId, {part}, "was refused by the partner as damaged (deleted/error)");
          break;
        case Disposition::Deleted:
        {
          const std::string reason = "the partner could not process mail " + std::to_string(part) +
            " and says sending again will not help (deleted)";
          PluginContext::Get().GetOutbox().SetTransferState(setId, TransferState::Failed, reason);
          break;
        }
      }
      DailyTests::OnTransferChanged(setId);   // a daily QA test passes or fails with its transfer
      MonthlyMeasurements::OnTransferChanged(setId);
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError("cannot apply the acknowledgement of transfer " + setId + ": " + e.what());
    }
  }

  void AcknowledgementTracker::CheckOverdue()
  {
    PluginContext& context = PluginContext::Get();
    const int64_t limit = static_cast<int64_t>(time(nullptr)) - context.GetConfiguration().acknowledgementTimeout;
    std::lock_guard<std::mutex> lock(mutex_);
    // Claimed, so that one node of the site resends each (#18); the claim
    // lasts one timeout, time enough for the job to mark the mail, and
    // lapses if this node dies first.
    const ClaimTerms terms = SendingNode::Terms(context.GetConfiguration().acknowledgementTimeout);
    std::map<std::string, std::vector<unsigned int> > overdue;   // per transfer: one job resends its mails
    for (const OutboxMail& mail : context.GetOutbox().ClaimMailsAwaitingAck(UtcTime::FromUnix(limit), terms,
                                                                            kResendBatch))
    {
      overdue[mail.setId].push_back(mail.part);
    }
    for (const auto& transfer : overdue)
    {
      Resend(transfer.first, transfer.second, "got no acknowledgement within " +
             std::to_string(context.GetConfiguration().acknowledgementTimeout) + " s");
    }
  }

  void AcknowledgementTracker::Run()
  {
    const unsigned int timeout = PluginContext::Get().GetConfiguration().acknowledgementTimeout;
    const unsigned int period = std::max(1u, std::min(60u, timeout / 4));
    try
    {
      // Orthanc has reloaded its saved jobs by now (we start on OrthancStarted).
      InterruptedTransfers::FailThoseWithoutJob(startedAt_);
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("looking for transfers whose send job was lost failed: ") + e.what());
    }
    for (;;)
    {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, std::chrono::seconds(period), [this] { return stop_; });
        if (stop_)
        {
          return;
        }
      }
      try
      {
        CheckOverdue();
      }
      catch (const std::exception& e)
      {
        OrthancApi::LogError(std::string("checking overdue acknowledgements failed: ") + e.what());
      }
    }
  }
}
