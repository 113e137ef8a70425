// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/QaReport.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Number and time formats the report's renderers share.
  namespace QaReportText
  {
    std::string Time(int64_t ms);                    // UtcMillis::Format, "" for 0
    std::string Fixed(double value, int decimals);   // "%.*f", C locale digits
    std::string Percent(double share);               // 0.9876 -> "98.76"
  }
}
