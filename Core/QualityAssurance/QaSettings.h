// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/QaSchedule.h"

#include <json/value.h>

#include <string>
#include <vector>

namespace DicomMail
{
  // What a receiving site does with a daily test transfer, once every
  // instance was checked against the signed manifest.
  enum class ReceivedTestPolicy
  {
    Discard,   // checked, never stored in Orthanc (the default)
    Keep       // stored in Orthanc, marked as a test by metadata 4313
  };

  // The "QualityAssurance" section of the configuration.
  struct QaSettings
  {
    ReceivedTestPolicy receivedTests = ReceivedTestPolicy::Discard;
    std::string alertAddress;              // who hears of a failed test ("" : nobody)
    unsigned int checkInterval = 30;       // s between two looks at the schedules and the deadlines
    std::vector<QaSchedule> schedules;     // read-only ones, from the file

    // Throws Error(Configuration) naming the key at fault ("path" is
    // "DicomMail.QualityAssurance"); null gives the defaults.
    static QaSettings Parse(const Json::Value& section, const std::string& path);
  };

  const char* ToString(ReceivedTestPolicy policy);
}
