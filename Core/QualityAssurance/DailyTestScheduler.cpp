// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/DailyTestScheduler.h"

#include "Core/QualityAssurance/DailyTestPlanner.h"

#include <set>

namespace DicomMail
{
  DailyTestScheduler::DailyTestScheduler(const IQaClock& clock) :
    clock_(clock)
  {
  }

  DailyTestActions DailyTestScheduler::Plan(const std::vector<QaSchedule>& schedules,
                                            const std::map<std::string, std::string>& lastScheduledDay,
                                            const std::vector<RunningDailyTest>& running) const
  {
    const int64_t nowMs = clock_.NowMs();
    const LocalTime now = clock_.ToLocal(nowMs);
    DailyTestActions actions;
    actions.testDay = now.Date();

    std::set<std::string> busy;
    for (const RunningDailyTest& test : running)
    {
      if (nowMs > test.deadlineMs)
      {
        actions.overdue.push_back(test);
      }
      else
      {
        busy.insert(test.partner);
      }
    }
    for (const QaSchedule& schedule : schedules)
    {
      const auto last = lastScheduledDay.find(schedule.partner);
      const std::string lastDay = last == lastScheduledDay.end() ? "" : last->second;
      // A partner still answering an earlier test gets no second one on top.
      if (busy.count(schedule.partner) == 0 && DailyTestPlanner::IsDue(schedule, now, lastDay))
      {
        actions.start.push_back(schedule.partner);
      }
    }
    return actions;
  }

  DailyTestActions DailyTestScheduler::Plan(const std::vector<QaSchedule>& schedules,
                                            const std::map<std::string, std::string>& lastScheduledDay,
                                            const std::vector<RunningDailyTest>& running,
                                            const std::map<std::string, std::string>& lastScheduledMonth) const
  {
    DailyTestActions actions = Plan(schedules, lastScheduledDay, running);
    const LocalTime now = clock_.ToLocal(clock_.NowMs());
    actions.month = now.Date().substr(0, 7);
    for (const QaSchedule& schedule : schedules)
    {
      const auto last = lastScheduledMonth.find(schedule.partner);
      if (DailyTestPlanner::IsMonthlyMeasurementDue(schedule, now,
                                                    last == lastScheduledMonth.end() ? "" : last->second))
      {
        actions.startMonthly.push_back(schedule.partner);
      }
    }
    return actions;
  }
}
