// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/DailyTestPlanner.h"

namespace DicomMail
{
  namespace DailyTestPlanner
  {
    bool IsTestDay(const QaSchedule& schedule, const LocalTime& day)
    {
      return schedule.days.count(day.weekday) > 0 && schedule.holidays.count(day.Date()) == 0;
    }

    bool IsDue(const QaSchedule& schedule, const LocalTime& now, const std::string& lastTestDay)
    {
      return (schedule.enabled && schedule.teleradiology && IsTestDay(schedule, now) &&
              now.minuteOfDay >= static_cast<int>(schedule.dailyTestMinute) &&
              lastTestDay < now.Date());   // "" sorts first; a clock set back never repeats a day
    }

    bool IsOverdue(const QaSchedule& schedule, int64_t startedMs, int64_t nowMs)
    {
      return nowMs - startedMs > static_cast<int64_t>(schedule.acknowledgementTimeout) * 1000;
    }

    bool IsMonthlyMeasurementDay(const QaSchedule& schedule, const LocalTime& now)
    {
      return now.day == static_cast<int>(schedule.monthlyMeasurementDay);
    }

    bool IsMonthlyMeasurementDue(const QaSchedule& schedule, const LocalTime& now, const std::string& lastMonth)
    {
      return schedule.enabled && schedule.teleradiology && IsMonthlyMeasurementDay(schedule, now) &&
        now.minuteOfDay >= static_cast<int>(schedule.dailyTestMinute + kMonthlyOffsetMinutes) &&
        lastMonth < now.Date().substr(0, 7);
    }
  }
}
