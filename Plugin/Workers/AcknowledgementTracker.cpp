// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Workers/AcknowledgementTracker.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Store/UtcTime.h"
#include "Core/Transport/SmtpSender.h"
#include "Plugin/Jobs/SendJob.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/InterruptedTransfers.h"
#include "Plugin/QualityAssurance/DailyTests.h"
#include "Plugin/QualityAssurance/MonthlyMeasurements.h"

#include <algorithm>
#include <chrono>

namespace DicomMail
{
  AcknowledgementTracker::~AcknowledgementTracker()
  {
    Stop();
  }

  void AcknowledgementTracker::Start()
  {
    stop_ = false;
    startedAt_ = UtcTime::Now();
    sender_.Start();
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
    sender_.Stop();
  }

  void AcknowledgementTracker::OnAcknowledgementsQueued()
  {
    sender_.Wake();
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

  void AcknowledgementTracker::Resend(const std::string& setId, unsigned int part, const std::string& why)
  {
    PluginContext& context = PluginContext::Get();
    OutboxStore& outbox = context.GetOutbox();
    OutboxTransfer transfer;
    std::vector<OutboxMail> mails;
    if (!outbox.GetTransfer(setId, transfer, mails))
    {
      return;
    }
    for (const OutboxMail& mail : mails)
    {
      if (mail.part != part)
      {
        continue;
      }
      // attempts counts the sends so far: the first plus the resends.
      if (mail.attempts > context.GetConfiguration().maxResends)
      {
        const std::string reason = "mail " + std::to_string(part) + " " + why + " after " +
          std::to_string(mail.attempts) + " attempts";
        outbox.SetMailState(setId, part, MailState::Failed, reason);
        outbox.SetTransferState(setId, TransferState::Failed, reason);
        OrthancApi::LogWarning("transfer " + setId + " failed: " + reason);
        return;
      }
      OrthancApi::LogWarning("transfer " + setId + ": resending mail " + std::to_string(part) + " (" + why + ")");
      // The job marks the mail for sending when it starts: marking it here,
      // before the job exists, would strand it if Orthanc stopped in between
      // (a mail no longer "sent" is never found overdue again).
      const std::string jobId = OrthancJob::Submit(new SendJob(setId, {part}, "resending: " + why), 0);
      outbox.SetJobId(setId, jobId);
      return;
    }
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
          Resend(setId, part, "was refused by the partner as damaged (deleted/error)");
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
    for (const OutboxMail& mail : context.GetOutbox().ListMailsAwaitingAck(UtcTime::FromUnix(limit)))
    {
      Resend(mail.setId, mail.part, "got no acknowledgement within " +
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
