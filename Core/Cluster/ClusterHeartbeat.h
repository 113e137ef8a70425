// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Cluster/NodeIdentity.h"
#include "Core/Store/ClusterStore.h"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace DicomMail
{
  // A thread that writes this node's heartbeat every
  // ClusterView::kHeartbeatIntervalMs (#18), so that the other nodes see it
  // alive and leave its mail claims alone. Stop() removes the node at once.
  class ClusterHeartbeat
  {
  public:
    ClusterHeartbeat(ClusterStore& store, const NodeIdentity& node, std::function<void(const std::string&)> log);
    ~ClusterHeartbeat();
    ClusterHeartbeat(const ClusterHeartbeat&) = delete;
    ClusterHeartbeat& operator=(const ClusterHeartbeat&) = delete;

    // Writes the first heartbeat before it returns, so that this node's
    // first claims are never taken for a dead node's.
    void Start();
    void Stop();

  private:
    void Beat();
    void Run();

    ClusterStore& store_;
    NodeIdentity node_;
    std::function<void(const std::string&)> log_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    bool failing_ = false;   // log a failure once, not every beat
    std::thread thread_;
  };
}
