// SPDX-License-Identifier: GPL-3.0-or-later
#include "WakeableThread.h"

namespace DicomMail
{
  WakeableThread::~WakeableThread()
  {
    Stop();
  }

  void WakeableThread::Start(std::function<void()> body)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = false;
    if (!thread_.joinable())
    {
      thread_ = std::thread(std::move(body));
    }
  }

  void WakeableThread::Stop()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    {
      thread_.join();
    }
  }

  void WakeableThread::Wake()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      woken_ = true;
    }
    wake_.notify_all();
  }

  bool WakeableThread::IsStopping()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return stop_;
  }

  bool WakeableThread::Sleep(std::chrono::milliseconds timeout, bool wakeable)
  {
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, timeout, [this, wakeable] { return stop_ || (wakeable && woken_); });
    woken_ = false;
    return stop_;
  }
}
