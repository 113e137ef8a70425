// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace DicomMail
{
  // A calendar day and time of day where the site is: the daily test is
  // due at the site's "07:30", on its working days.
  struct LocalTime
  {
    int year = 1970;
    int month = 1;          // 1-12
    int day = 1;            // 1-31
    int weekday = 4;        // 0 Sunday ... 6 Saturday
    int minuteOfDay = 0;    // 0-1439

    std::string Date() const;   // "2026-12-07"

    // From localtime_r's or gmtime_r's answer.
    static LocalTime FromBrokenDown(const struct tm& parts);
  };

  // The clock the QA scheduler reads, injected so that the tests need not
  // wait for a day to pass.
  class IQaClock
  {
  public:
    virtual ~IQaClock() = default;

    virtual int64_t NowMs() const = 0;

    // The site's calendar at that instant.
    virtual LocalTime ToLocal(int64_t ms) const = 0;
  };

  // The system clock and the machine's time zone (TZ).
  class SystemQaClock : public IQaClock
  {
  public:
    int64_t NowMs() const override;
    LocalTime ToLocal(int64_t ms) const override;
  };
}
