// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Trim.h"

namespace DicomMail
{
  std::string Trim(const std::string& s)
  {
    const size_t begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
    {
      return std::string();
    }
    const size_t end = s.find_last_not_of(" \t\r\n");
    return s.substr(begin, end - begin + 1);
  }
}
