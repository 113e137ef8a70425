// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/QaSchedule.h"

#include "Core/Config/ConfigReader.h"

#include <cctype>
#include <cstdio>

namespace DicomMail
{
  namespace
  {
    const char* const kDayNames[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

    bool IsDate(const std::string& s)
    {
      if (s.size() != 10 || s[4] != '-' || s[7] != '-')
      {
        return false;
      }
      for (size_t i : { 0, 1, 2, 3, 5, 6, 8, 9 })
      {
        if (!isdigit(static_cast<unsigned char>(s[i])))
        {
          return false;
        }
      }
      const int month = std::stoi(s.substr(5, 2));
      const int day = std::stoi(s.substr(8, 2));
      return month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }

    bool IsStudyUid(const std::string& s)
    {
      if (s.empty() || s.size() > 64 || s.front() == '.' || s.back() == '.')
      {
        return false;
      }
      for (char c : s)
      {
        if (!isdigit(static_cast<unsigned char>(c)) && c != '.')
        {
          return false;
        }
      }
      return true;
    }

    unsigned int ParseTimeOfDay(ConfigReader& reader, const std::string& key, unsigned int defaultMinute)
    {
      if (!reader.Has(key))
      {
        return defaultMinute;
      }
      const std::string text = reader.GetString(key, "");
      unsigned int hour = 0, minute = 0;
      char rest = 0;
      if (text.size() != 5 || text[2] != ':' || sscanf(text.c_str(), "%2u:%2u%c", &hour, &minute, &rest) != 2 ||
          hour > 23 || minute > 59)
      {
        reader.Fail(key, "must be a time of day \"HH:MM\" (24 hours, site time)");
      }
      return hour * 60 + minute;
    }

    std::set<int> ParseDays(ConfigReader& reader, const std::set<int>& defaultDays)
    {
      if (!reader.Has("Days"))
      {
        return defaultDays;
      }
      std::set<int> days;
      for (const std::string& name : reader.GetStringList("Days"))
      {
        int found = -1;
        for (int i = 0; i < 7; i++)
        {
          found = (name == kDayNames[i]) ? i : found;
        }
        if (found < 0)
        {
          reader.Fail("Days", "\"" + name + "\" is not one of Mon, Tue, Wed, Thu, Fri, Sat, Sun");
        }
        days.insert(found);
      }
      return days;
    }
  }

  const char* const QaSchedule::kGeneratedTestData = "generated";

  QaSchedule QaSchedule::Parse(const std::string& partner, const Json::Value& value, const std::string& path)
  {
    ConfigReader reader(value, path);
    QaSchedule schedule;
    schedule.partner = partner;
    schedule.enabled = reader.GetBool("Enabled", schedule.enabled);
    schedule.teleradiology = reader.GetBool("Teleradiology", schedule.teleradiology);
    schedule.testData = reader.GetString("TestData", schedule.testData);
    if (!schedule.UsesGeneratedTestData() && !IsStudyUid(schedule.testData))
    {
      reader.Fail("TestData", "must be \"generated\" or the StudyInstanceUID of a study in Orthanc");
    }
    schedule.days = ParseDays(reader, schedule.days);
    for (const std::string& day : reader.GetStringList("Holidays"))
    {
      if (!IsDate(day))
      {
        reader.Fail("Holidays", "\"" + day + "\" is not a day \"YYYY-MM-DD\"");
      }
      schedule.holidays.insert(day);
    }
    schedule.dailyTestMinute = ParseTimeOfDay(reader, "DailyTestTime", schedule.dailyTestMinute);
    schedule.monthlyMeasurementDay = static_cast<unsigned int>(
      reader.GetInteger("MonthlyMeasurementDay", schedule.monthlyMeasurementDay, 1, 28));
    schedule.acknowledgementTimeout = static_cast<unsigned int>(
      reader.GetInteger("AcknowledgementTimeout", schedule.acknowledgementTimeout, 1, 7 * 86400));
    reader.CheckNoUnknownKeys();
    return schedule;
  }

  Json::Value QaSchedule::ToJson() const
  {
    Json::Value v;
    v["Partner"] = partner;
    v["Enabled"] = enabled;
    v["Teleradiology"] = teleradiology;
    v["TestData"] = testData;
    v["Days"] = Json::arrayValue;
    for (int day : days)
    {
      v["Days"].append(kDayNames[day]);
    }
    v["Holidays"] = Json::arrayValue;
    for (const std::string& day : holidays)
    {
      v["Holidays"].append(day);
    }
    char time[32];
    snprintf(time, sizeof(time), "%02u:%02u", dailyTestMinute / 60, dailyTestMinute % 60);
    v["DailyTestTime"] = time;
    v["MonthlyMeasurementDay"] = monthlyMeasurementDay;
    v["AcknowledgementTimeout"] = acknowledgementTimeout;
    v["ReadOnly"] = fromConfiguration;
    return v;
  }
}
