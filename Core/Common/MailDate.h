// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <ctime>
#include <string>

namespace DicomMail
{
  // RFC 5322 "Date:" values, always written in UTC ("+0000") so that no
  // local time zone leaks and receivers need no zone database.
  namespace MailDate
  {
    std::string Format(time_t t);   // "Sat, 28 Nov 2026 04:15:02 +0000"

    // Accepts the RFC 5322 form with an optional day name, two- or
    // four-digit years, numeric zones and the obsolete names (GMT, UT, EST...).
    // Returns false for anything else.
    bool Parse(const std::string& value, time_t& result);
  }
}
