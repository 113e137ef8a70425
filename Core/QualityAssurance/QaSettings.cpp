// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/QaSettings.h"

#include "Core/Config/ConfigReader.h"

namespace DicomMail
{
  const char* ToString(ReceivedTestPolicy policy)
  {
    return policy == ReceivedTestPolicy::Keep ? "Keep" : "Discard";
  }

  QaSettings QaSettings::Parse(const Json::Value& section, const std::string& path)
  {
    QaSettings settings;
    if (section.isNull())
    {
      return settings;
    }
    ConfigReader reader(section, path);
    const std::string policy = reader.GetString("ReceivedTests", ToString(settings.receivedTests));
    if (policy == "Keep")
    {
      settings.receivedTests = ReceivedTestPolicy::Keep;
    }
    else if (policy != "Discard")
    {
      reader.Fail("ReceivedTests", "must be \"Discard\" or \"Keep\"");
    }
    settings.alertAddress = reader.GetString("AlertAddress", "");
    if (!settings.alertAddress.empty() && settings.alertAddress.find('@') == std::string::npos)
    {
      reader.Fail("AlertAddress", "must be a mail address");
    }
    settings.checkInterval = static_cast<unsigned int>(
      reader.GetInteger("CheckInterval", settings.checkInterval, 1, 3600));
    const Json::Value& schedules = reader.GetRaw("Schedules");
    if (!schedules.isNull())
    {
      if (!schedules.isObject())
      {
        reader.Fail("Schedules", "must be an object mapping partner names to schedules");
      }
      for (const std::string& partner : schedules.getMemberNames())
      {
        QaSchedule schedule = QaSchedule::Parse(partner, schedules[partner], reader.KeyPath("Schedules") + "." + partner);
        schedule.fromConfiguration = true;
        settings.schedules.push_back(schedule);
      }
    }
    reader.CheckNoUnknownKeys();
    return settings;
  }
}
