// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Routing/RoutingQueue.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  RoutingQueue::RoutingQueue(size_t capacity) :
    capacity_(capacity)
  {
    if (capacity == 0)
    {
      throw Error(ErrorKind::Internal, "a routing queue needs room for at least one event");
    }
  }

  bool RoutingQueue::Push(const RoutingEvent& event)
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_)
      {
        dropped_++;
        return false;
      }
      if (waiting_.count(Key(event.level, event.resourceId)) > 0)
      {
        return true;   // the worker will read the resource's current state anyway
      }
      if (events_.size() >= capacity_)
      {
        dropped_++;
        return false;
      }
      events_.push_back(event);
      waiting_.insert(Key(event.level, event.resourceId));
    }
    available_.notify_one();
    return true;
  }

  bool RoutingQueue::Pop(RoutingEvent& event, std::chrono::milliseconds timeout)
  {
    std::unique_lock<std::mutex> lock(mutex_);
    available_.wait_for(lock, timeout, [this] { return closed_ || !events_.empty(); });
    if (closed_ || events_.empty())
    {
      return false;
    }
    event = events_.front();
    events_.pop_front();
    waiting_.erase(Key(event.level, event.resourceId));
    return true;
  }

  void RoutingQueue::Close()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    available_.notify_all();
  }

  void RoutingQueue::Reopen()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = false;
  }

  size_t RoutingQueue::GetSize() const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_.size();
  }

  uint64_t RoutingQueue::GetDropped() const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
  }
}
