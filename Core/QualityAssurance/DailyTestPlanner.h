// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/QaClock.h"
#include "Core/QualityAssurance/QaSchedule.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // When the daily function test of a partner is due (DIN 6868-159: every
  // working day). Pure functions of the schedule and the site's calendar,
  // so the unit tests move a clock instead of waiting for a day.
  namespace DailyTestPlanner
  {
    // A day of the schedule's week days that is not one of its holidays.
    bool IsTestDay(const QaSchedule& schedule, const LocalTime& day);

    // True when the test of "now"'s day has not run yet ("lastTestDay" is
    // the site day, "YYYY-MM-DD", of the last daily test started, "" for
    // none) and its time has come. A test missed while Orthanc was down
    // runs when it is back, the same day; a day missed entirely stays
    // missed (the record shows no test that day).
    bool IsDue(const QaSchedule& schedule, const LocalTime& now, const std::string& lastTestDay);

    // True once a test started at "startedMs" and still not acknowledged
    // has outlived the schedule's AcknowledgementTimeout.
    bool IsOverdue(const QaSchedule& schedule, int64_t startedMs, int64_t nowMs);

    // The day of the monthly measurement in "now"'s month (stored now,
    // used by the monthly measurement).
    bool IsMonthlyMeasurementDay(const QaSchedule& schedule, const LocalTime& now);

    // Minutes after the daily test's time the monthly measurement starts,
    // so the two transfers do not share the line and time each other.
    const unsigned int kMonthlyOffsetMinutes = 15;

    // True when "now" is the schedule's measurement day, its time has come
    // and "lastMonth" (the "YYYY-MM" of the last scheduled measurement, ""
    // for none) is an earlier month.
    bool IsMonthlyMeasurementDue(const QaSchedule& schedule, const LocalTime& now, const std::string& lastMonth);
  }
}
