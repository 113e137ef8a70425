// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/value.h>

#include <set>
#include <string>

namespace DicomMail
{
  // One partner's quality-assurance plan after DIN 6868-159: whether the
  // link is a teleradiology link, what the daily function test sends, on
  // which days and at what time, and the day of the monthly measurement.
  // The same JSON in the configuration ("QualityAssurance.Schedules") and
  // over REST (GET/PUT /dicom-mail/qa/schedules/{partner}).
  struct QaSchedule
  {
    static const char* const kGeneratedTestData;   // "generated"

    std::string partner;
    bool enabled = true;
    bool teleradiology = true;
    // "generated": the built-in test series (QaTestSeries); otherwise the
    // StudyInstanceUID of a study in Orthanc.
    std::string testData = kGeneratedTestData;
    std::set<int> days = { 1, 2, 3, 4, 5 };   // tm_wday: 0 Sunday ... 6 Saturday
    std::set<std::string> holidays;          // "YYYY-MM-DD", site calendar
    unsigned int dailyTestMinute = 7 * 60 + 30;      // minute of the day, site time
    unsigned int monthlyMeasurementDay = 1;          // 1-28, stored for the monthly measurement
    unsigned int acknowledgementTimeout = 3600;      // s; later, the test has failed
    bool fromConfiguration = false;                  // read-only then

    bool UsesGeneratedTestData() const
    {
      return testData == kGeneratedTestData;
    }

    // Throws Error(Configuration) naming the key below "path" at fault;
    // unknown keys are refused.
    static QaSchedule Parse(const std::string& partner, const Json::Value& value, const std::string& path);

    Json::Value ToJson() const;
  };
}
