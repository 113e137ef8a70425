// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/QaClock.h"
#include "Core/QualityAssurance/QaSchedule.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace DicomMail
{
  // A daily test sent and not yet answered.
  struct RunningDailyTest
  {
    std::string setId;
    std::string partner;
    int64_t deadlineMs = 0;
  };

  // What one look at the schedules asks for.
  struct DailyTestActions
  {
    std::vector<std::string> start;            // partners whose daily test is due now
    std::vector<RunningDailyTest> overdue;     // tests past their deadline: failed
    std::string testDay;                       // the site's day the started tests count for
    std::vector<std::string> startMonthly;     // partners whose monthly measurement is due now
    std::string month;                         // the site's month those count for, "YYYY-MM"
  };

  // Decides, from the schedules, the last scheduled test of each partner
  // and the tests running, what is to be done at the clock's "now". Keeps
  // no state: the plugin's worker calls it every QualityAssurance.CheckInterval
  // and records what it did, so a restart neither repeats nor forgets a test.
  class DailyTestScheduler
  {
  public:
    explicit DailyTestScheduler(const IQaClock& clock);

    DailyTestActions Plan(const std::vector<QaSchedule>& schedules,
                          const std::map<std::string, std::string>& lastScheduledDay,
                          const std::vector<RunningDailyTest>& running) const;

    // The same, with the monthly measurements: "lastScheduledMonth" as
    // MonthlyMeasurementStore::LastScheduledMonths answers it.
    DailyTestActions Plan(const std::vector<QaSchedule>& schedules,
                          const std::map<std::string, std::string>& lastScheduledDay,
                          const std::vector<RunningDailyTest>& running,
                          const std::map<std::string, std::string>& lastScheduledMonth) const;

  private:
    const IQaClock& clock_;
  };
}
