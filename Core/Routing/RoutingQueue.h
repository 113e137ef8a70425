// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Routing/RoutingRule.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace DicomMail
{
  struct RoutingEvent
  {
    RoutingLevel level = RoutingLevel::Study;
    std::string resourceId;   // Orthanc id of the stable study or series
  };

  // Between Orthanc's change callback and the routing worker. Push never
  // waits for the worker: it takes the lock for a moment and returns. A
  // resource already waiting is not queued twice; when the queue is full the
  // event is refused (counted), so a flood of changes cannot eat memory.
  class RoutingQueue
  {
  public:
    explicit RoutingQueue(size_t capacity);

    // False when the event was dropped because the queue is full or closed.
    bool Push(const RoutingEvent& event);

    // Waits up to |timeout| for an event; false on timeout or when closed.
    bool Pop(RoutingEvent& event, std::chrono::milliseconds timeout);

    // Wakes the waiting Pop for good; later pushes are refused.
    void Close();

    // Accepts pushes again (after Close, for a restart of the worker).
    void Reopen();

    size_t GetSize() const;
    uint64_t GetDropped() const;

  private:
    typedef std::pair<RoutingLevel, std::string> Key;

    const size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::deque<RoutingEvent> events_;
    std::set<Key> waiting_;
    bool closed_ = false;
    uint64_t dropped_ = 0;
  };
}
