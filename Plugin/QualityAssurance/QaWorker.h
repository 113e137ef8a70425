// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/QaClock.h"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace DicomMail
{
  // Looks at the QA schedules every QualityAssurance.CheckInterval seconds:
  // starts the daily tests that are due (DailyTestScheduler), fails those
  // past their deadline, and catches test transfers that failed in sending.
  // A thread of its own: a test's start uploads and plans a transfer.
  class QaWorker
  {
  public:
    QaWorker() = default;
    ~QaWorker();

    void Start();
    void Stop();

    // One look, as the thread takes it (also for tests through REST).
    void CheckNow();

  private:
    void Run();
    void StartMonthly(const std::vector<std::string>& partners, const std::string& month);

    SystemQaClock clock_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
  };
}
