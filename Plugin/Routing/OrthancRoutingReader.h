// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Routing/RoutedStudy.h"

#include <set>
#include <string>

namespace DicomMail
{
  // Reads what the routing rules look at over Orthanc's REST API: the main
  // tags of patient, study and series, and, only when a rule filters on a tag
  // that is not among them (e.g. InstitutionName), the tags of one instance
  // per series; and the AE titles Orthanc recorded for one instance per series
  // when a rule filters on them.
  class OrthancRoutingReader
  {
  public:
    explicit OrthancRoutingReader(const std::set<std::string>& filterTags) :
      filterTags_(filterTags)
    {
    }

    // False when the resource no longer exists.
    bool ReadStudy(const std::string& studyId, RoutedStudy& result) const;
    bool ReadSeries(const std::string& seriesId, RoutedStudy& result) const;

  private:
    bool ReadOneSeries(const std::string& seriesId, const DicomTagValues& upperTags, RoutedSeries& result) const;
    // The AE titles Orthanc recorded (ReceptionKeys) when a rule filters on them.
    void ReadReception(RoutedSeries& result) const;

    std::set<std::string> filterTags_;
  };
}
