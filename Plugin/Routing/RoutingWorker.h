// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Routing/RoutingQueue.h"
#include "Core/Routing/RoutingRule.h"

#include <atomic>
#include <thread>
#include <vector>

namespace DicomMail
{
  // The thread that turns queued stable resources into transfers: reads the
  // tags, asks the planner, submits through SubmitTransfer and records what
  // went out (RoutingStore::MarkSent) so it never goes out twice.
  class RoutingWorker
  {
  public:
    RoutingWorker(const std::vector<RoutingRule>& rules, RoutingQueue& queue);
    ~RoutingWorker();

    RoutingWorker(const RoutingWorker&) = delete;
    RoutingWorker& operator=(const RoutingWorker&) = delete;

    void Start();
    void Stop();

  private:
    void Run();
    void Process(const RoutingEvent& event);

    std::vector<RoutingRule> rules_;
    RoutingQueue& queue_;
    std::atomic<bool> stop_;
    std::thread thread_;
  };
}
