// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/QaClock.h"

#include "Core/Store/UtcMillis.h"

#include <cstdio>
#include <ctime>

namespace DicomMail
{
  std::string LocalTime::Date() const
  {
    char buffer[16];
    snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", year, month, day);
    return buffer;
  }

  LocalTime LocalTime::FromBrokenDown(const struct tm& parts)
  {
    LocalTime local;
    local.year = parts.tm_year + 1900;
    local.month = parts.tm_mon + 1;
    local.day = parts.tm_mday;
    local.weekday = parts.tm_wday;
    local.minuteOfDay = parts.tm_hour * 60 + parts.tm_min;
    return local;
  }

  int64_t SystemQaClock::NowMs() const
  {
    return UtcMillis::Now();
  }

  LocalTime SystemQaClock::ToLocal(int64_t ms) const
  {
    const time_t seconds = static_cast<time_t>(ms / 1000);
    struct tm parts = {};
    localtime_r(&seconds, &parts);
    return LocalTime::FromBrokenDown(parts);
  }
}
