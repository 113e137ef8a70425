// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Workers/Workers.h"

#include "Core/Common/Error.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/QualityAssurance/QaWorker.h"
#include "Plugin/Receiving/OrthancInstanceImporter.h"
#include "Plugin/Receiving/PartnerTrustPolicy.h"
#include "Plugin/Workers/AcknowledgementTracker.h"
#include "Plugin/Workers/ClusterMembership.h"
#include "Plugin/Workers/ForwardWorker.h"
#include "Plugin/Workers/KeySyncWorker.h"
#include "Plugin/Workers/MailboxWorker.h"
#include "Plugin/Workers/NoticeWorker.h"
#include "Plugin/Workers/PollerWiring.h"

#include <memory>
#include <mutex>
#include <vector>

namespace DicomMail
{
  namespace Workers
  {
    namespace
    {
      std::mutex mutex_;
      std::unique_ptr<AcknowledgementTracker> tracker_;
      std::unique_ptr<ForwardWorker> forwarder_;
      std::unique_ptr<ClusterMembership> cluster_;   // outlives the mailbox workers
      std::vector<std::unique_ptr<MailboxWorker> > mailboxes_;
      std::unique_ptr<NoticeWorker> notices_;   // only with an SMTP account to send them
      std::unique_ptr<QaWorker> qa_;
      std::unique_ptr<KeySyncWorker> keySync_;   // with KeySync only
    }

    void Start()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (tracker_)
      {
        return;
      }
      tracker_.reset(new AcknowledgementTracker);
      tracker_->Start();
      forwarder_.reset(new ForwardWorker);
      forwarder_->Start();
      cluster_.reset(new ClusterMembership);
      if (KeyMaterialSync* sync = PluginContext::Get().GetKeySync())
      {
        keySync_.reset(new KeySyncWorker(*sync));
        keySync_->Start();
      }
      for (const IncomingAccountSettings& account : PluginContext::Get().GetConfiguration().incoming)
      {
        mailboxes_.emplace_back(new MailboxWorker(account, *tracker_, *cluster_));
        mailboxes_.back()->Start();
      }
      if (PluginContext::Get().GetConfiguration().smtpConfigured)
      {
        notices_.reset(new NoticeWorker);
        notices_->Start();
      }
      OrthancApi::LogInfo("started " + std::to_string(mailboxes_.size()) + " mailbox poller(s)");
      if (PluginContext::Get().GetConfiguration().HasMailAccount())
      {
        qa_.reset(new QaWorker);   // an inactive plugin sends no daily test
        qa_->Start();
      }
    }

    void Stop()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (qa_)
      {
        qa_->Stop();
        qa_.reset();
      }
      keySync_.reset();   // stops it
      for (auto& worker : mailboxes_)
      {
        worker->Stop();
      }
      mailboxes_.clear();
      cluster_.reset();   // leaves the cluster: the other nodes see it gone at once
      forwarder_.reset();   // stops it; a running C-STORE job is Orthanc's, followed at the next start
      if (notices_)
      {
        notices_->Stop();
        notices_.reset();
      }
      if (tracker_)
      {
        tracker_->Stop();
        tracker_.reset();
      }
    }

    bool IsRunning()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      return tracker_ != nullptr;
    }

    Json::Value PollNow(unsigned int timeoutSeconds)
    {
      std::vector<MailboxWorker*> workers;
      AcknowledgementTracker* tracker = nullptr;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& worker : mailboxes_)
        {
          workers.push_back(worker.get());
        }
        tracker = tracker_.get();
      }
      if (tracker == nullptr)
      {
        throw Error(ErrorKind::Internal, "the mailbox pollers are not running");
      }
      // Every mailbox is asked before any is waited for: one busy with a
      // long transfer must not hold up the others' polls (#25).
      std::vector<uint64_t> tickets;
      for (MailboxWorker* worker : workers)
      {
        tickets.push_back(worker->RequestPoll());
      }
      const auto deadline = PollSchedule::Clock::now() + std::chrono::seconds(timeoutSeconds);
      Json::Value result = Json::arrayValue;
      for (size_t i = 0; i < workers.size(); i++)
      {
        result.append(workers[i]->AwaitPoll(tickets[i], deadline));
      }
      tracker->CheckOverdue();
      return result;
    }

    Json::Value ClusterStatus()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!cluster_)
      {
        return Json::Value();
      }
      std::vector<std::string> names;
      for (auto& worker : mailboxes_)
      {
        names.push_back(worker->GetName());
      }
      return cluster_->ToJson(names);
    }

    void WakeForwarder()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (forwarder_)
      {
        forwarder_->Wake();
      }
    }

    unsigned int RetryQuarantined(const std::string& setId)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!tracker_)
      {
        throw Error(ErrorKind::Internal, "the plugin is not running");
      }
      PollerWiring wiring("retry", *tracker_);
      InboxPoller poller(wiring.GetDependencies());
      return poller.RetryQuarantined(setId);
    }
  }
}
