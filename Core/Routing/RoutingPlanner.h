// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Routing/RoutedStudy.h"
#include "Core/Routing/RoutingRule.h"

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  enum class RoutingOutcome
  {
    Send,           // instanceIds go to the partner
    NoMatch,        // the filter does not match
    CameFromPartner,// the study arrived from this partner: never mailed back
    AlreadySent     // every matching instance already went to the partner
  };

  const char* ToString(RoutingOutcome outcome);

  struct RoutingDecision
  {
    std::string ruleName;
    std::string partner;
    RoutingOutcome outcome = RoutingOutcome::NoMatch;
    std::vector<std::string> instanceIds;   // only for Send: the instances not yet sent
  };

  // The decision "which instances of this study/series go to which partner".
  // Enabled rules of the triggering level are evaluated in order:
  // - Study rules: the study matches when one of its series matches the
  //   filter (Modality is a series tag); then the whole study is meant.
  // - Series rules: the series matches its filter; then that series is meant.
  // Instances already sent to the partner (the routing record) or planned for
  // it by an earlier rule of this pass are left out, so a study that grows
  // goes out once more with only the new instances, and two rules towards
  // one partner never send twice. A study that arrived from the partner is
  // not routed back to it.
  class RoutingPlanner
  {
  public:
    struct Inputs
    {
      RoutingLevel trigger = RoutingLevel::Study;
      std::set<std::string> senders;   // partners the study arrived from
      // Instances of the study already sent to a partner.
      std::function<std::set<std::string>(const std::string& partner)> sentInstances;
    };

    static std::vector<RoutingDecision> Plan(const std::vector<RoutingRule>& rules, const RoutedStudy& study,
                                             const Inputs& inputs);

    // The tags any enabled rule of this level filters on.
    static std::set<std::string> FilterTags(const std::vector<RoutingRule>& rules, RoutingLevel level);

    static bool HasRules(const std::vector<RoutingRule>& rules, RoutingLevel level);
  };
}
