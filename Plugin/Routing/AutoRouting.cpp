// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Routing/AutoRouting.h"

#include "Core/Routing/RoutingPlanner.h"
#include "Core/Routing/RoutingQueue.h"
#include "Core/Routing/RoutingRuleParser.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/Routing/RoutingWorker.h"

#include <atomic>
#include <memory>
#include <mutex>

namespace DicomMail
{
  namespace AutoRouting
  {
    namespace
    {
      // Stable events are few (one per study or series after StableAge); the
      // bound only matters for a flood, e.g. a bulk import of an archive.
      const size_t kQueueCapacity = 10000;

      std::mutex mutex_;
      std::vector<RoutingRule> rules_;
      std::atomic<bool> studyRules_(false);
      std::atomic<bool> seriesRules_(false);
      RoutingQueue queue_(kQueueCapacity);
      std::unique_ptr<RoutingWorker> worker_;

      bool IsKnownKeyword(const std::string& keyword)
      {
        OrthancPluginDictionaryEntry entry;
        return OrthancPluginLookupDictionary(OrthancApi::GetContext(), &entry, keyword.c_str()) ==
          OrthancPluginErrorCode_Success;
      }
    }

    void Configure(const Json::Value& rules)
    {
      std::vector<RoutingRule> parsed = RoutingRuleParser::Parse(rules, IsKnownKeyword);
      std::lock_guard<std::mutex> lock(mutex_);
      rules_ = parsed;
      studyRules_ = RoutingPlanner::HasRules(rules_, RoutingLevel::Study);
      seriesRules_ = RoutingPlanner::HasRules(rules_, RoutingLevel::Series);
      unsigned int enabled = 0;
      for (const RoutingRule& rule : rules_)
      {
        enabled += rule.enabled ? 1 : 0;
      }
      if (!rules_.empty())
      {
        OrthancApi::LogWarning("auto-routing: " + std::to_string(enabled) + " of " + std::to_string(rules_.size()) +
                               " rule(s) enabled");
      }
    }

    void Enqueue(OrthancPluginChangeType changeType, const char* resourceId)
    {
      RoutingEvent event;
      if (changeType == OrthancPluginChangeType_StableStudy && studyRules_)
      {
        event.level = RoutingLevel::Study;
      }
      else if (changeType == OrthancPluginChangeType_StableSeries && seriesRules_)
      {
        event.level = RoutingLevel::Series;
      }
      else
      {
        return;
      }
      if (resourceId == nullptr)
      {
        return;
      }
      event.resourceId = resourceId;
      if (!queue_.Push(event))
      {
        OrthancApi::LogError("auto-routing: the queue is full or stopped, " + std::string(ToString(event.level)) +
                             " " + event.resourceId + " is not routed (" +
                             std::to_string(queue_.GetDropped()) + " dropped so far)");
      }
    }

    void Start()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (worker_ || rules_.empty())
      {
        return;
      }
      worker_.reset(new RoutingWorker(rules_, queue_));
      worker_->Start();
    }

    void Stop()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (worker_)
      {
        worker_->Stop();
        worker_.reset();
      }
    }
  }
}
