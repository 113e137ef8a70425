// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Workers/NoticeWorker.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Notices/NoticeComposer.h"
#include "Core/Sending/SendingLeases.h"
#include "Core/Store/UtcTime.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/SendingNode.h"

#include <chrono>

namespace DicomMail
{
  namespace
  {
    const std::chrono::seconds kPeriod(5);
    const unsigned int kBatch = 20;
  }

  NoticeWorker::~NoticeWorker()
  {
    Stop();
  }

  void NoticeWorker::Start()
  {
    thread_.Start([this] { Run(); });
  }

  void NoticeWorker::Stop()
  {
    thread_.Stop();
  }

  void NoticeWorker::Run()
  {
    PluginContext& context = PluginContext::Get();
    const Configuration& config = context.GetConfiguration();
    NoticeStore store(context.GetInbox().GetDatabase());
    NoticePlanner planner(store, context.GetInbox(), context.GetOutbox(), context.GetPartners(), config.notices,
                          config.siteName);
    DailyTestStore qaTests(context.GetInbox().GetDatabase());
    planner.EnableQaAlerts(qaTests, config.qualityAssurance.alertAddress);
    for (;;)
    {
      try
      {
        for (const PlannedNotice& planned : planner.Plan(UtcTime::Now()))
        {
          OrthancApi::LogInfo("transfer " + planned.setId + " (partner " + planned.partner + "): " +
                              ToString(planned.kind) + " notice queued");
        }
        SendDue(store, planner);
      }
      catch (const std::exception& e)
      {
        smtp_.reset();
        OrthancApi::LogError(std::string("cannot work through the notices to people: ") + e.what());
      }
      if (thread_.Sleep(kPeriod))
      {
        break;
      }
    }
    smtp_.reset();
    crypto_.reset();
  }

  void NoticeWorker::SendDue(NoticeStore& store, NoticePlanner& planner)
  {
    const Configuration& config = PluginContext::Get().GetConfiguration();
    // Claimed: each is sent by one node of the site (#18).
    for (const QueuedNotice& notice : store.ClaimDue(SendingNode::Terms(SendingLeases::kQueueSeconds), kBatch))
    {
      std::string error;
      if (SendOne(notice, planner, error))
      {
        store.MarkSent(notice.id, UtcTime::Now());
        if (notice.kind == NoticeKind::QaAlert)
        {
          DailyTestStore(PluginContext::Get().GetInbox().GetDatabase()).MarkAlertSent(notice.setId);
        }
        OrthancApi::LogInfo(std::string(ToString(notice.kind)) + " notice for transfer " + notice.setId + " sent to " +
                            std::to_string(notice.recipients.size()) + " recipient(s)");
        continue;
      }
      if (thread_.IsStopping())
      {
        return;   // cancelled by Stop(): not a failure of this one
      }
      const NoticeState state = store.RecordFailure(notice.id, error, UtcTime::Now(), config.smtp.retryDelay,
                                                    config.noticeMaxAttempts);
      OrthancApi::LogWarning(std::string("cannot send the ") + ToString(notice.kind) + " notice for transfer " +
                             notice.setId + " (attempt " + std::to_string(notice.attempts + 1) + " of " +
                             std::to_string(config.noticeMaxAttempts) + (state == NoticeState::Failed ?
                                                                         ", given up" : "") + "): " + error);
    }
  }

  bool NoticeWorker::SendOne(const QueuedNotice& notice, NoticePlanner& planner, std::string& error)
  {
    try
    {
      PluginContext& context = PluginContext::Get();
      const Configuration& config = context.GetConfiguration();
      NoticeFacts facts;
      if (!planner.GetFacts(notice, facts))
      {
        throw Error(ErrorKind::NotFound, "the transfer is no longer recorded");
      }
      if (!crypto_)
      {
        crypto_ = context.NewCrypto();
      }
      TempFile file(config.workingDirectory, ".notice");
      NoticeComposer::Compose(facts, config.siteAddress, config.siteName, notice.recipients,
                              context.GetSiteFingerprint(), *crypto_, file.GetPath());
      if (!smtp_)
      {
        smtp_.reset(new SmtpSender(context.GetSmtpAccount(), config.smtp.heloName));
      }
      FileSource source(file.GetPath());
      const SmtpResult result = smtp_->Send(config.siteAddress, notice.recipients, source, source.GetSize(),
                                            [this](uint64_t, uint64_t) { return !thread_.IsStopping(); });
      if (result.ok)
      {
        return true;
      }
      smtp_.reset();   // a fresh connection for the next one
      error = result.message;
      return false;
    }
    catch (const std::exception& e)
    {
      smtp_.reset();
      error = e.what();
      return false;
    }
  }
}
