// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Metrics/MetricNames.h"

namespace DicomMail
{
  namespace MetricNames
  {
    std::string Suffix(const std::string& id)
    {
      std::string result;
      result.reserve(id.size());
      for (const char c : id)
      {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        {
          result += c;
        }
        else if (c >= 'A' && c <= 'Z')
        {
          result += static_cast<char>(c - 'A' + 'a');
        }
        else
        {
          result += '_';
        }
      }
      return result;
    }

    std::string Make(const std::string& base, const std::string& id)
    {
      std::string name = std::string(kPrefix) + base;
      if (!id.empty())
      {
        name += "_" + Suffix(id);
      }
      return name;
    }
  }
}
