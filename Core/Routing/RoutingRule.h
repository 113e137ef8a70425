// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <string>
#include <vector>

namespace DicomMail
{
  enum class RoutingLevel
  {
    Study,    // evaluated when a study becomes stable; sends the whole study
    Series    // evaluated when a series becomes stable; sends that series
  };

  const char* ToString(RoutingLevel level);

  // DICOM keyword -> value (multiple values separated by "\").
  typedef std::map<std::string, std::string> DicomTagValues;

  // One condition of a rule's "Filter": the tag's value must match the
  // pattern (DICOM wildcards, "\"-separated alternatives).
  struct RoutingCondition
  {
    std::string tag;        // DICOM keyword, e.g. "Modality"
    std::string pattern;
  };

  // One entry of "DicomMail.AutoRouting".
  struct RoutingRule
  {
    std::string name;
    std::string partner;
    RoutingLevel level = RoutingLevel::Study;
    std::vector<RoutingCondition> filter;   // all must match; empty: everything
    bool enabled = true;

    // A tag missing from |tags| counts as empty, so only "*" matches it
    // (DICOM universal matching).
    bool Matches(const DicomTagValues& tags) const;
  };
}
