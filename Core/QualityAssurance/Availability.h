// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/QaSchedule.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // One sign of whether a link worked: a daily test or monthly measurement
  // passed or failed, or a real transfer to or from the partner was
  // acknowledged (always "worked").
  struct LinkEvidence
  {
    int64_t ms = 0;          // when it was known
    std::string day;         // the site's day it counts for, "YYYY-MM-DD"
    bool worked = false;
  };

  // The share of days and of hours a link worked in one period.
  struct AvailabilityFigures
  {
    std::string period;                 // "2026" or "2026-12"
    unsigned int days = 0;              // days that count: test days, and any day with evidence
    unsigned int workingDays = 0;       // days with a passed test or an acknowledged transfer
    double hours = 0;                   // hours observed (since the first evidence, until now)
    double workingHours = 0;            // of those, not within an outage
    bool HasDays() const { return days > 0; }
    double DayShare() const;            // 0..1; 0 without days
    double HourShare() const;           // 0..1; 0 without hours
    bool MeetsTarget() const;           // both shares at least kTarget (when there are any)
  };

  // Availability of a teleradiology link after DIN 6868-159: the acceptance
  // test documents at least 98 % per year. Pure arithmetic over the
  // evidence, so the unit tests need no clock.
  namespace Availability
  {
    const double kTarget = 0.98;

    // Days: from the day of the first evidence (before it, the link was not
    // watched) to "today"; a day counts when it is one of the schedule's test
    // days or has evidence (today only once it has); it worked when some
    // evidence of that day says so. Hours: an outage runs from a failed
    // test to the next evidence that the link worked (or to "nowMs").
    // "evidence" in any order; "periodStartMs"/"periodEndMs" bound the
    // period in the site's time, "firstDay"/"lastDay" are its days.
    AvailabilityFigures Compute(const QaSchedule& schedule, const std::vector<LinkEvidence>& evidence,
                                const std::string& period, const std::string& firstDay, const std::string& lastDay,
                                int64_t periodStartMs, int64_t periodEndMs, const std::string& today,
                                int64_t nowMs);

    // Days of the proleptic Gregorian calendar, for walking a period.
    int DaysInMonth(int year, int month);
    int Weekday(int year, int month, int day);   // 0 Sunday ... 6 Saturday
  }
}
