// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/Availability.h"


#include <algorithm>
#include <cstdio>
#include <set>

namespace DicomMail
{
  double AvailabilityFigures::DayShare() const
  {
    return days == 0 ? 0.0 : static_cast<double>(workingDays) / days;
  }

  double AvailabilityFigures::HourShare() const
  {
    return hours <= 0 ? 0.0 : workingHours / hours;
  }

  bool AvailabilityFigures::MeetsTarget() const
  {
    return (days == 0 || DayShare() >= Availability::kTarget) &&
      (hours <= 0 || HourShare() >= Availability::kTarget);
  }

  namespace Availability
  {
    namespace
    {
      const double kMsPerHour = 3600.0 * 1000.0;

      std::string FormatDay(int year, int month, int day)
      {
        char text[16];
        snprintf(text, sizeof(text), "%04d-%02d-%02d", year, month, day);
        return text;
      }

      bool ParseDay(const std::string& text, int& year, int& month, int& day)
      {
        return sscanf(text.c_str(), "%4d-%2d-%2d", &year, &month, &day) == 3 && month >= 1 && month <= 12 &&
          day >= 1 && day <= DaysInMonth(year, month);
      }

      // Walks the days from "first" to "last" inclusive.
      template <typename F>
      void ForEachDay(const std::string& first, const std::string& last, F visit)
      {
        int y, m, d;
        if (!ParseDay(first, y, m, d))
        {
          return;
        }
        for (std::string day = FormatDay(y, m, d); day <= last; day = FormatDay(y, m, d))
        {
          visit(day, Weekday(y, m, d));
          if (++d > DaysInMonth(y, m))
          {
            d = 1;
            if (++m > 12)
            {
              m = 1;
              y++;
            }
          }
        }
      }

      // Milliseconds of [from, to) the link was down: each failure opens an
      // outage (if none is open), the next success closes it.
      double OutageMs(std::vector<LinkEvidence> sorted, int64_t from, int64_t to)
      {
        std::sort(sorted.begin(), sorted.end(), [](const LinkEvidence& a, const LinkEvidence& b) {
          return a.ms < b.ms;
        });
        double down = 0;
        int64_t openedAt = -1;
        auto close = [&](int64_t at) {
          const int64_t start = std::max(openedAt, from);
          const int64_t end = std::min(at, to);
          down += end > start ? static_cast<double>(end - start) : 0.0;
          openedAt = -1;
        };
        for (const LinkEvidence& e : sorted)
        {
          if (!e.worked && openedAt < 0)
          {
            openedAt = e.ms;
          }
          else if (e.worked && openedAt >= 0)
          {
            close(e.ms);
          }
        }
        if (openedAt >= 0)
        {
          close(to);
        }
        return down;
      }
    }

    int DaysInMonth(int year, int month)
    {
      static const int kDays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
      const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
      return month == 2 && leap ? 29 : kDays[(month - 1) % 12];
    }

    int Weekday(int year, int month, int day)
    {
      // Sakamoto's method.
      static const int kOffset[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
      if (month < 3)
      {
        year -= 1;
      }
      return (year + year / 4 - year / 100 + year / 400 + kOffset[month - 1] + day) % 7;
    }

    AvailabilityFigures Compute(const QaSchedule& schedule, const std::vector<LinkEvidence>& evidence,
                                const std::string& period, const std::string& firstDay, const std::string& lastDay,
                                int64_t periodStartMs, int64_t periodEndMs, const std::string& today,
                                int64_t nowMs)
    {
      AvailabilityFigures figures;
      figures.period = period;
      if (evidence.empty())
      {
        return figures;   // the link was never watched: nothing to say
      }
      std::string watchedFrom = evidence.front().day;
      int64_t watchedFromMs = evidence.front().ms;
      std::set<std::string> withEvidence;
      std::set<std::string> worked;
      for (const LinkEvidence& e : evidence)
      {
        watchedFrom = std::min(watchedFrom, e.day);
        watchedFromMs = std::min(watchedFromMs, e.ms);
        withEvidence.insert(e.day);
        if (e.worked)
        {
          worked.insert(e.day);
        }
      }

      ForEachDay(std::max(firstDay, watchedFrom), std::min(lastDay, today), [&](const std::string& day, int weekday) {
        const bool testDay = schedule.days.count(weekday) > 0 && schedule.holidays.count(day) == 0;
        const bool counts = withEvidence.count(day) > 0 || (testDay && day < today);
        if (counts)
        {
          figures.days++;
          figures.workingDays += worked.count(day) > 0 ? 1 : 0;
        }
      });

      const int64_t from = std::max(periodStartMs, watchedFromMs);
      const int64_t to = std::min(periodEndMs, nowMs);
      if (to > from)
      {
        const double down = OutageMs(evidence, from, to);
        figures.hours = static_cast<double>(to - from) / kMsPerHour;
        figures.workingHours = (static_cast<double>(to - from) - down) / kMsPerHour;
      }
      return figures;
    }
  }
}
