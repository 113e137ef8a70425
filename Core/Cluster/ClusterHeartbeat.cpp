// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Cluster/ClusterHeartbeat.h"

#include "Core/Cluster/ClusterView.h"
#include "Core/Store/UtcMillis.h"

#include <chrono>

namespace DicomMail
{
  ClusterHeartbeat::ClusterHeartbeat(ClusterStore& store, const NodeIdentity& node,
                                     std::function<void(const std::string&)> log) :
    store_(store),
    node_(node),
    log_(std::move(log))
  {
  }

  ClusterHeartbeat::~ClusterHeartbeat()
  {
    Stop();
  }

  void ClusterHeartbeat::Start()
  {
    Beat();
    stop_ = false;
    thread_ = std::thread(&ClusterHeartbeat::Run, this);
  }

  void ClusterHeartbeat::Stop()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_ || !thread_.joinable())
      {
        return;
      }
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    try
    {
      store_.Leave(node_);
    }
    catch (const std::exception& e)
    {
      log_("node \"" + node_.name + "\" could not leave the cluster (it ages out): " + e.what());
    }
  }

  void ClusterHeartbeat::Beat()
  {
    try
    {
      store_.Heartbeat(node_, UtcMillis::Now());
      if (failing_)
      {
        log_("node \"" + node_.name + "\" writes its heartbeat again");
      }
      failing_ = false;
    }
    catch (const std::exception& e)
    {
      // Another node may take our mail claims over now; our lease, on its
      // own connection, says whether we still poll.
      if (!failing_)
      {
        log_("node \"" + node_.name + "\" cannot write its heartbeat: " + e.what());
      }
      failing_ = true;
    }
  }

  void ClusterHeartbeat::Run()
  {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(ClusterView::kHeartbeatIntervalMs),
                           [this] { return stop_; }))
    {
      lock.unlock();
      Beat();
      lock.lock();
    }
  }
}
