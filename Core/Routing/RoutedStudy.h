// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Routing/RoutingRule.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // What the router knows of one series: its tags (patient, study, series
  // and one instance's tags merged) and its instances (Orthanc ids).
  struct RoutedSeries
  {
    std::string orthancId;
    DicomTagValues tags;
    std::vector<std::string> instanceIds;
  };

  // A stable study (every series) or a stable series (just that one).
  struct RoutedStudy
  {
    std::string orthancId;          // of the study
    std::string studyInstanceUid;   // key of the routing records
    std::vector<RoutedSeries> series;
  };
}
