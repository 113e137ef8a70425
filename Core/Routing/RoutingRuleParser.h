// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Routing/RoutingRule.h"

#include <json/value.h>

#include <functional>
#include <string>
#include <vector>

namespace DicomMail
{
  // Validates "DicomMail.AutoRouting". Every error is one Error(Configuration)
  // naming the rule's position, its name and the field at fault, e.g.
  //   Invalid configuration "DicomMail.AutoRouting[0]" (rule "CT-night"):
  //   "Level" must be "Study" or "Series", not "Patient"
  class RoutingRuleParser
  {
  public:
    // Answers whether a DICOM keyword is known (the plugin asks Orthanc's
    // dictionary); empty: any well-formed keyword is accepted.
    typedef std::function<bool(const std::string& keyword)> KeywordCheck;

    static std::vector<RoutingRule> Parse(const Json::Value& rules, const KeywordCheck& isKnownKeyword = KeywordCheck());
  };
}
