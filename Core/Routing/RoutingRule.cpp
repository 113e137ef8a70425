// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Routing/RoutingRule.h"

#include "Core/Routing/DicomWildcard.h"

namespace DicomMail
{
  const char* ToString(RoutingLevel level)
  {
    return level == RoutingLevel::Series ? "Series" : "Study";
  }

  bool RoutingRule::Matches(const DicomTagValues& tags) const
  {
    for (const RoutingCondition& condition : filter)
    {
      const DicomTagValues::const_iterator found = tags.find(condition.tag);
      const std::string value = found == tags.end() ? std::string() : found->second;
      if (!DicomWildcard::MatchesValue(condition.pattern, value))
      {
        return false;
      }
    }
    return true;
  }
}
