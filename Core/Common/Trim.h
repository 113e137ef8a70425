// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // "s" without leading and trailing spaces, tabs, CR and LF.
  std::string Trim(const std::string& s);
}
