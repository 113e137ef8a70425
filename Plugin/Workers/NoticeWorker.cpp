// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Workers/NoticeWorker.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Notices/NoticeComposer.h"
#include "Core/Store/UtcTime.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"

#include <algorithm>
#include <chrono>

namespace DicomMail
{
  namespace
  {
    const std::chrono::seconds kPeriod(5);
    // A transfer's time is taken before its record commits: look back a
    // little past the last scan so none falls between two scans.
    const int64_t kOverlapSeconds = 120;
    // After a long stop, transfers older than this get no notice any more.
    const int64_t kMaxLookbackSeconds = 86400;
    const unsigned int kBatch = 20;

    std::string ScanStart(const std::string& scannedUntil, const std::string& now)
    {
      if (scannedUntil.empty())
      {
        return now;   // the first scan ever: nothing from before notices existed
      }
      const int64_t from = std::max(UtcTime::ToUnix(scannedUntil) - kOverlapSeconds,
                                    UtcTime::ToUnix(now) - kMaxLookbackSeconds);
      return UtcTime::FromUnix(from);
    }
  }

  NoticeWorker::~NoticeWorker()
  {
    Stop();
  }

  void NoticeWorker::Start()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = false;
    if (!thread_.joinable())
    {
      thread_ = std::thread(&NoticeWorker::Run, this);
    }
  }

  void NoticeWorker::Stop()
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
  }

  bool NoticeWorker::IsStopping()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return stop_;
  }

  void NoticeWorker::Run()
  {
    NoticeStore store(PluginContext::Get().GetInbox().GetDatabase());
    for (;;)
    {
      try
      {
        Scan(store);
        SendDue(store);
      }
      catch (const std::exception& e)
      {
        smtp_.reset();
        OrthancApi::LogError(std::string("cannot work through the notices to people: ") + e.what());
      }
      std::unique_lock<std::mutex> lock(mutex_);
      if (wake_.wait_for(lock, kPeriod, [this] { return stop_; }))
      {
        break;
      }
    }
    smtp_.reset();
    crypto_.reset();
  }

  EffectiveNotices NoticeWorker::SettingsFor(const std::string& partnerId, std::string& partnerName)
  {
    PluginContext& context = PluginContext::Get();
    PartnerSettings partner;
    if (!context.GetPartners().Lookup(partnerId, partner))
    {
      partnerName = partnerId;   // deleted since: the site's settings hold
      return EffectiveNotices::Resolve(context.GetConfiguration().notices, NoticeSettings());
    }
    partnerName = partner.displayName.empty() ? partner.name : partner.displayName;
    return EffectiveNotices::Resolve(context.GetConfiguration().notices, partner.notices);
  }

  void NoticeWorker::Scan(NoticeStore& store)
  {
    PluginContext& context = PluginContext::Get();
    const std::string now = UtcTime::Now();
    const std::string since = ScanStart(store.GetScannedUntil(), now);
    std::string name;
    for (const std::string& setId : store.FindArrivals(since))
    {
      InboxTransfer transfer;
      const EffectiveNotices settings = context.GetInbox().GetTransfer(setId, transfer) ?
        SettingsFor(transfer.partner, name) : EffectiveNotices();
      if (settings.Wants(NoticeKind::Arrival) && store.Claim(setId, NoticeKind::Arrival, settings.to, now))
      {
        OrthancApi::LogInfo("transfer " + setId + " from partner " + transfer.partner + ": arrival notice queued");
      }
    }
    for (const std::string& setId : store.FindFailures(since))
    {
      OutboxTransfer transfer;
      std::vector<OutboxMail> mails;
      const EffectiveNotices settings = context.GetOutbox().GetTransfer(setId, transfer, mails) ?
        SettingsFor(transfer.partner, name) : EffectiveNotices();
      if (settings.Wants(NoticeKind::Failure) && store.Claim(setId, NoticeKind::Failure, settings.to, now))
      {
        OrthancApi::LogInfo("transfer " + setId + " to partner " + transfer.partner + ": failure notice queued");
      }
    }
    store.SetScannedUntil(now);
  }

  void NoticeWorker::SendDue(NoticeStore& store)
  {
    const Configuration& config = PluginContext::Get().GetConfiguration();
    for (const QueuedNotice& notice : store.ListDue(UtcTime::Now(), kBatch))
    {
      std::string error;
      if (SendOne(notice, error))
      {
        store.MarkSent(notice.id, UtcTime::Now());
        OrthancApi::LogInfo(std::string(ToString(notice.kind)) + " notice for transfer " + notice.setId + " sent to " +
                            std::to_string(notice.recipients.size()) + " recipient(s)");
        continue;
      }
      if (IsStopping())
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

  bool NoticeWorker::SendOne(const QueuedNotice& notice, std::string& error)
  {
    try
    {
      PluginContext& context = PluginContext::Get();
      const Configuration& config = context.GetConfiguration();
      std::string partnerName;
      NoticeFacts facts;
      if (notice.kind == NoticeKind::Arrival)
      {
        InboxTransfer transfer;
        if (!context.GetInbox().GetTransfer(notice.setId, transfer))
        {
          throw Error(ErrorKind::NotFound, "the transfer is no longer in the inbox");
        }
        const EffectiveNotices settings = SettingsFor(transfer.partner, partnerName);
        facts = NoticeFacts::ForArrival(transfer, static_cast<unsigned int>(
                                          context.GetInbox().ListStudies(notice.setId).size()),
                                        partnerName, config.siteName, settings);
      }
      else
      {
        OutboxTransfer transfer;
        std::vector<OutboxMail> mails;
        if (!context.GetOutbox().GetTransfer(notice.setId, transfer, mails))
        {
          throw Error(ErrorKind::NotFound, "the transfer is no longer in the outbox");
        }
        const EffectiveNotices settings = SettingsFor(transfer.partner, partnerName);
        facts = NoticeFacts::ForFailure(transfer, partnerName, config.siteName, settings);
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
                                            [this](uint64_t, uint64_t) { return !IsStopping(); });
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
