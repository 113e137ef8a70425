// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace DicomMail
{
  // The thread of a background worker that sleeps between passes: started
  // and stopped with the plugin, woken early when new work is queued, and
  // stopped without waiting out its sleep. The acknowledgement, forwarding
  // and notice workers each wrote this out before.
  class WakeableThread
  {
  public:
    WakeableThread() = default;
    ~WakeableThread();
    WakeableThread(const WakeableThread&) = delete;
    WakeableThread& operator=(const WakeableThread&) = delete;

    // Runs "body" on the thread; nothing if it already runs.
    void Start(std::function<void()> body);

    // Asks the body to end (IsStopping, Sleep) and joins it.
    void Stop();

    // Ends the current or next Sleep() that accepts being woken.
    void Wake();

    bool IsStopping();

    // For the body: sleeps up to "timeout", less when stopped or, if
    // "wakeable", when woken. A wake that came while asleep or before is
    // used up. True when the body should end.
    bool Sleep(std::chrono::milliseconds timeout, bool wakeable = true);

  private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    bool woken_ = false;
    std::thread thread_;
  };
}
