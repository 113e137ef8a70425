// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/UtcMillis.h"

#include "Core/Common/Error.h"
#include "Core/Store/UtcTime.h"

#include <chrono>
#include <cctype>

namespace DicomMail
{
  namespace UtcMillis
  {
    int64_t Now()
    {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    }

    std::string Format(int64_t millisecondsSinceEpoch)
    {
      const int64_t seconds = millisecondsSinceEpoch >= 0 ? millisecondsSinceEpoch / 1000 :
        -((-millisecondsSinceEpoch + 999) / 1000);
      const int64_t fraction = millisecondsSinceEpoch - seconds * 1000;
      std::string text = UtcTime::FromUnix(seconds);
      char digits[8];
      snprintf(digits, sizeof(digits), ".%03dZ", static_cast<int>(fraction));
      text.pop_back();   // the "Z"
      return text + digits;
    }

    int64_t Parse(const std::string& timestamp)
    {
      // "....:ssZ" (20) or "....:ss.mmmZ" (24)
      if (timestamp.size() == 24 && timestamp[19] == '.' && timestamp[23] == 'Z' &&
          isdigit(static_cast<unsigned char>(timestamp[20])) && isdigit(static_cast<unsigned char>(timestamp[21])) &&
          isdigit(static_cast<unsigned char>(timestamp[22])))
      {
        const int fraction = std::stoi(timestamp.substr(20, 3));
        return UtcTime::ToUnix(timestamp.substr(0, 19) + "Z") * 1000 + fraction;
      }
      if (!UtcTime::IsValid(timestamp))
      {
        throw Error(ErrorKind::BadInput, "not a UTC time with milliseconds: \"" + timestamp.substr(0, 40) + "\"");
      }
      return UtcTime::ToUnix(timestamp) * 1000;
    }
  }
}
