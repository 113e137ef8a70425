// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/MailDate.h"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

namespace DicomMail
{
  namespace MailDate
  {
    namespace
    {
      const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
      const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

      bool ParseZone(const std::string& zone, long& offsetSeconds)
      {
        if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-'))
        {
          for (size_t i = 1; i < 5; i++)
          {
            if (!isdigit(static_cast<unsigned char>(zone[i])))
            {
              return false;
            }
          }
          const long hours = (zone[1] - '0') * 10 + (zone[2] - '0');
          const long minutes = (zone[3] - '0') * 10 + (zone[4] - '0');
          offsetSeconds = (hours * 3600 + minutes * 60) * (zone[0] == '-' ? -1 : 1);
          return true;
        }
        struct Named { const char* name; int hours; };
        static const Named names[] = {{"UT", 0}, {"UTC", 0}, {"GMT", 0}, {"Z", 0}, {"EST", -5}, {"EDT", -4},
                                      {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8},
                                      {"PDT", -7}};
        for (const Named& n : names)
        {
          if (strcasecmp(zone.c_str(), n.name) == 0)
          {
            offsetSeconds = n.hours * 3600L;
            return true;
          }
        }
        return false;
      }

      bool ParseNumber(const std::string& s, int& value)
      {
        if (s.empty() || s.size() > 4)
        {
          return false;
        }
        for (char c : s)
        {
          if (!isdigit(static_cast<unsigned char>(c)))
          {
            return false;
          }
        }
        value = atoi(s.c_str());
        return true;
      }
    }

    std::string Format(time_t t)
    {
      struct tm tm;
      gmtime_r(&t, &tm);
      char buffer[64];
      snprintf(buffer, sizeof(buffer), "%s, %02d %s %04d %02d:%02d:%02d +0000",
               kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900,
               tm.tm_hour, tm.tm_min, tm.tm_sec);
      return buffer;
    }

    bool Parse(const std::string& value, time_t& result)
    {
      std::string text = value;
      const size_t comment = text.find('(');
      if (comment != std::string::npos)
      {
        text = text.substr(0, comment);
      }
      const size_t comma = text.find(',');
      if (comma != std::string::npos)
      {
        text = text.substr(comma + 1);
      }
      std::istringstream stream(text);
      std::vector<std::string> tokens;
      std::string token;
      while (stream >> token)
      {
        tokens.push_back(token);
      }
      if (tokens.size() < 4)
      {
        return false;
      }

      struct tm tm;
      memset(&tm, 0, sizeof(tm));
      int day = 0, year = 0;
      if (!ParseNumber(tokens[0], day) || day < 1 || day > 31)
      {
        return false;
      }
      int month = -1;
      for (int i = 0; i < 12; i++)
      {
        if (strcasecmp(tokens[1].c_str(), kMonths[i]) == 0)
        {
          month = i;
        }
      }
      if (month < 0 || !ParseNumber(tokens[2], year))
      {
        return false;
      }
      if (tokens[2].size() <= 2)
      {
        year += (year < 50) ? 2000 : 1900;
      }
      else if (tokens[2].size() == 3)
      {
        year += 1900;
      }
      int hour = 0, minute = 0, second = 0;
      const std::string& clock = tokens[3];
      if (sscanf(clock.c_str(), "%2d:%2d:%2d", &hour, &minute, &second) < 2 ||
          hour > 23 || minute > 59 || second > 60)
      {
        return false;
      }
      long offset = 0;
      if (tokens.size() >= 5 && !ParseZone(tokens[4], offset))
      {
        return false;
      }
      tm.tm_mday = day;
      tm.tm_mon = month;
      tm.tm_year = year - 1900;
      tm.tm_hour = hour;
      tm.tm_min = minute;
      tm.tm_sec = second;
      result = timegm(&tm) - offset;
      return true;
    }
  }
}
