// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/SetId.h"

#include "Core/Common/Error.h"

#include <cstdio>
#include <random>

namespace DicomMail
{
  namespace SetId
  {
    namespace
    {
      const size_t kMaxLength = 64;

      bool IsAllowed(char c)
      {
        return ((c >= 'A' && c <= 'Z') ||
                (c >= 'a' && c <= 'z') ||
                (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-');
      }
    }

    std::string Generate()
    {
      return Generate(std::time(nullptr));
    }

    std::string Generate(std::time_t now)
    {
      struct tm utc;
      if (gmtime_r(&now, &utc) == nullptr)
      {
        throw Error(ErrorKind::Internal, "Cannot convert the current time to UTC");
      }

      // random_device reads the kernel's generator: two gateways started in
      // the same second still get different ids.
      std::random_device random;
      const unsigned int suffix = static_cast<unsigned int>(random());

      char buffer[64];
      snprintf(buffer, sizeof(buffer), "%04d%02d%02d.%02d%02d%02d.%08x",
               utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
               utc.tm_hour, utc.tm_min, utc.tm_sec, suffix);
      return buffer;
    }

    bool IsValid(const std::string& id)
    {
      if (id.empty() || id.size() > kMaxLength)
      {
        return false;
      }
      for (char c : id)
      {
        if (!IsAllowed(c))
        {
          return false;
        }
      }
      return true;
    }

    void Check(const std::string& id)
    {
      if (id.empty())
      {
        throw Error(ErrorKind::BadInput, "The set id is empty");
      }
      if (id.size() > kMaxLength)
      {
        throw Error(ErrorKind::BadInput, "The set id has " + std::to_string(id.size()) +
                    " characters, more than the allowed " + std::to_string(kMaxLength));
      }
      for (size_t i = 0; i < id.size(); i++)
      {
        if (!IsAllowed(id[i]))
        {
          throw Error(ErrorKind::BadInput, "The set id contains a forbidden character at position " +
                      std::to_string(i) + " (allowed: A-Z a-z 0-9 . _ -)");
        }
      }
    }
  }
}
