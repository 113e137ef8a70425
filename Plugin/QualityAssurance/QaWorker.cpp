// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/QualityAssurance/QaWorker.h"

#include "Core/QualityAssurance/DailyTestScheduler.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/QualityAssurance/DailyTests.h"
#include "Plugin/QualityAssurance/MonthlyMeasurements.h"
#include "Plugin/QualityAssurance/ImageQualityReports.h"

#include <chrono>

namespace DicomMail
{
  QaWorker::~QaWorker()
  {
    Stop();
  }

  void QaWorker::Start()
  {
    stop_ = false;
    thread_ = std::thread(&QaWorker::Run, this);
  }

  void QaWorker::Stop()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
    {
      thread_.join();
    }
  }

  void QaWorker::CheckNow()
  {
    try
    {
      ImageQualityReports::ReportDue();   // image-quality confirmations whose mail back failed (#17)
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot report image-quality confirmations now: ") + e.what());
    }
    DailyTestStore tests(PluginContext::Get().GetInbox().GetDatabase());
    for (const DailyTest& test : tests.ListRunning())
    {
      DailyTests::OnTransferChanged(test.setId);   // a send that failed for good fails the test at once
    }
    std::vector<RunningDailyTest> running;
    for (const DailyTest& test : tests.ListRunning())
    {
      running.push_back(RunningDailyTest{ test.setId, test.partner, test.deadlineMs });
    }

    MonthlyMeasurementStore measurements(PluginContext::Get().GetInbox().GetDatabase());
    for (const MonthlyMeasurement& m : measurements.ListRunning())
    {
      MonthlyMeasurements::OnTransferChanged(m.setId);
    }
    MonthlyMeasurements::FailOverdue(clock_.NowMs());

    const DailyTestActions actions = DailyTestScheduler(clock_).Plan(DailyTests::ListSchedules(),
                                                                    tests.LastScheduledDays(), running,
                                                                    measurements.LastScheduledMonths());
    std::vector<std::string> overdue;
    for (const RunningDailyTest& test : actions.overdue)
    {
      overdue.push_back(test.setId);
    }
    DailyTests::FailOverdue(overdue);
    for (const std::string& partner : actions.start)
    {
      try
      {
        DailyTests::Start(partner, "schedule", actions.testDay);
      }
      catch (const std::exception& e)
      {
        // Recorded as a failed test of the day, so the record shows the
        // day was not left out silently, and not tried again every minute.
        OrthancApi::LogError("cannot start the daily QA test of partner " + partner + ": " + e.what());
        DailyTest failed;
        failed.setId = "qa-not-started." + partner + "." + actions.testDay;
        failed.partner = partner;
        failed.testDay = actions.testDay;
        failed.trigger = "schedule";
        failed.startedMs = clock_.NowMs();
        failed.deadlineMs = failed.startedMs;
        failed.state = DailyTestState::Failed;
        failed.reason = std::string("not started: ") + e.what();
        failed.alert = PluginContext::Get().GetConfiguration().qualityAssurance.alertAddress.empty() ?
          DailyTestAlert::None : DailyTestAlert::Due;
        try
        {
          tests.Add(failed);
        }
        catch (const std::exception& recordError)
        {
          OrthancApi::LogError(std::string("cannot record it: ") + recordError.what());
        }
      }
    }
    StartMonthly(actions.startMonthly, actions.month);
  }

  void QaWorker::StartMonthly(const std::vector<std::string>& partners, const std::string& month)
  {
    for (const std::string& partner : partners)
    {
      try
      {
        MonthlyMeasurements::Start(partner, "schedule", month);
      }
      catch (const std::exception& e)
      {
        // Recorded failed for its month, so it is not tried every minute.
        OrthancApi::LogError("cannot start the monthly QA measurement of partner " + partner + ": " + e.what());
        MonthlyMeasurement failed;
        failed.setId = "qa-not-started." + partner + "." + month;
        failed.partner = partner;
        failed.month = month;
        failed.trigger = "schedule";
        failed.startedMs = clock_.NowMs();
        failed.deadlineMs = failed.startedMs;
        failed.state = DailyTestState::Failed;
        failed.reason = std::string("not started: ") + e.what();
        try
        {
          MonthlyMeasurementStore(PluginContext::Get().GetInbox().GetDatabase()).Add(failed);
        }
        catch (const std::exception& recordError)
        {
          OrthancApi::LogError(std::string("cannot record it: ") + recordError.what());
        }
      }
    }
  }

  void QaWorker::Run()
  {
    const unsigned int period = PluginContext::Get().GetConfiguration().qualityAssurance.checkInterval;
    for (;;)
    {
      try
      {
        CheckNow();
      }
      catch (const std::exception& e)
      {
        OrthancApi::LogError(std::string("quality assurance check failed: ") + e.what());
      }
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(period), [this] { return stop_; });
      if (stop_)
      {
        return;
      }
    }
  }
}
