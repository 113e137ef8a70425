// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/PollSchedule.h"

namespace DicomMail
{
  PollSchedule::PollSchedule(std::chrono::seconds interval) :
    interval_(interval)
  {
  }

  void PollSchedule::BeginPoll()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    polling_ = true;
    requested_ = false;   // this poll answers every request made so far
  }

  void PollSchedule::EndPoll(const Json::Value& summary)
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      polling_ = false;
      pollsDone_++;
      lastSummary_ = summary;
    }
    polled_.notify_all();
  }

  bool PollSchedule::WaitForNextPoll()
  {
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, interval_, [this] { return stop_ || requested_; });
    return !stop_;
  }

  void PollSchedule::Stop()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    polled_.notify_all();
  }

  uint64_t PollSchedule::Request()
  {
    uint64_t ticket;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ticket = pollsDone_ + (polling_ ? 2 : 1);
      requested_ = true;
    }
    wake_.notify_all();
    return ticket;
  }

  bool PollSchedule::Await(uint64_t ticket, Clock::time_point deadline, Json::Value& summary)
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!polled_.wait_until(lock, deadline, [&] { return stop_ || pollsDone_ >= ticket; }) ||
        pollsDone_ < ticket)
    {
      return false;
    }
    summary = lastSummary_;
    return true;
  }
}
