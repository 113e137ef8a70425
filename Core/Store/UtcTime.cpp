// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/UtcTime.h"

#include "Core/Common/Error.h"

#include <cctype>
#include <ctime>

namespace DicomMail
{
  namespace UtcTime
  {
    namespace
    {
      const char kPattern[] = "dddd-dd-ddTdd:dd:ddZ";  // 'd' stands for a digit

      int Digits(const std::string& s, size_t pos, size_t count)
      {
        int value = 0;
        for (size_t i = pos; i < pos + count; i++)
        {
          value = value * 10 + (s[i] - '0');
        }
        return value;
      }

      bool HasShape(const std::string& timestamp)
      {
        if (timestamp.size() != sizeof(kPattern) - 1)
        {
          return false;
        }
        for (size_t i = 0; i < timestamp.size(); i++)
        {
          const bool ok = (kPattern[i] == 'd' ?
                           isdigit(static_cast<unsigned char>(timestamp[i])) != 0 :
                           timestamp[i] == kPattern[i]);
          if (!ok)
          {
            return false;
          }
        }
        return true;
      }
    }

    std::string Now()
    {
      return FromUnix(static_cast<int64_t>(time(nullptr)));
    }

    std::string FromUnix(int64_t secondsSinceEpoch)
    {
      const time_t t = static_cast<time_t>(secondsSinceEpoch);
      struct tm parts;
      if (gmtime_r(&t, &parts) == nullptr || parts.tm_year + 1900 > 9999 || parts.tm_year + 1900 < 0)
      {
        throw Error(ErrorKind::BadInput, "Time out of range: " + std::to_string(secondsSinceEpoch));
      }
      char buffer[32];
      strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &parts);
      return buffer;
    }

    bool IsValid(const std::string& timestamp)
    {
      if (!HasShape(timestamp))
      {
        return false;
      }
      const int month = Digits(timestamp, 5, 2);
      const int day = Digits(timestamp, 8, 2);
      const int hour = Digits(timestamp, 11, 2);
      const int minute = Digits(timestamp, 14, 2);
      const int second = Digits(timestamp, 17, 2);
      // 60 allows a leap second, which timegm() folds into the next minute.
      return (month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
              hour <= 23 && minute <= 59 && second <= 60);
    }

    int64_t ToUnix(const std::string& timestamp)
    {
      Check(timestamp, "timestamp", false);
      struct tm parts = {};
      parts.tm_year = Digits(timestamp, 0, 4) - 1900;
      parts.tm_mon = Digits(timestamp, 5, 2) - 1;
      parts.tm_mday = Digits(timestamp, 8, 2);
      parts.tm_hour = Digits(timestamp, 11, 2);
      parts.tm_min = Digits(timestamp, 14, 2);
      parts.tm_sec = Digits(timestamp, 17, 2);
      return static_cast<int64_t>(timegm(&parts));
    }

    void Check(const std::string& timestamp, const std::string& what, bool allowEmpty)
    {
      if (timestamp.empty() && allowEmpty)
      {
        return;
      }
      if (!IsValid(timestamp))
      {
        throw Error(ErrorKind::BadInput, "Invalid " + what + " \"" + timestamp +
                    "\": expected an ISO 8601 UTC time such as 2026-11-28T04:15:02Z");
      }
    }
  }
}
