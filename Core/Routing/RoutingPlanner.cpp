// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Routing/RoutingPlanner.h"

#include <map>
#include <strings.h>

namespace DicomMail
{
  namespace
  {
    // Partner names are compared without case for loop protection: erring
    // towards "came from there" never mails a study back.
    bool SamePartner(const std::string& a, const std::string& b)
    {
      return strcasecmp(a.c_str(), b.c_str()) == 0;
    }

    bool CameFrom(const std::set<std::string>& senders, const std::string& partner)
    {
      for (const std::string& sender : senders)
      {
        if (SamePartner(sender, partner))
        {
          return true;
        }
      }
      return false;
    }
  }

  const char* ToString(RoutingOutcome outcome)
  {
    switch (outcome)
    {
      case RoutingOutcome::Send:
        return "send";
      case RoutingOutcome::NoMatch:
        return "no match";
      case RoutingOutcome::CameFromPartner:
        return "arrived from this partner, not routed back";
      case RoutingOutcome::AlreadySent:
        return "already sent";
    }
    return "?";
  }

  std::vector<RoutingDecision> RoutingPlanner::Plan(const std::vector<RoutingRule>& rules, const RoutedStudy& study,
                                                    const Inputs& inputs)
  {
    std::vector<RoutingDecision> decisions;
    std::map<std::string, std::set<std::string> > known;   // partner -> sent or planned instances

    for (const RoutingRule& rule : rules)
    {
      if (!rule.enabled || rule.level != inputs.trigger)
      {
        continue;
      }
      RoutingDecision decision;
      decision.ruleName = rule.name;
      decision.partner = rule.partner;

      bool anySeries = false;
      std::vector<std::string> candidates;
      for (const RoutedSeries& series : study.series)
      {
        if (rule.Matches(series.tags))
        {
          anySeries = true;
          if (rule.level == RoutingLevel::Series)
          {
            candidates.insert(candidates.end(), series.instanceIds.begin(), series.instanceIds.end());
          }
        }
      }
      if (anySeries && rule.level == RoutingLevel::Study)
      {
        for (const RoutedSeries& series : study.series)
        {
          candidates.insert(candidates.end(), series.instanceIds.begin(), series.instanceIds.end());
        }
      }

      if (!anySeries)
      {
        decision.outcome = RoutingOutcome::NoMatch;
      }
      else if (CameFrom(inputs.senders, rule.partner))
      {
        decision.outcome = RoutingOutcome::CameFromPartner;
      }
      else
      {
        std::map<std::string, std::set<std::string> >::iterator entry = known.find(rule.partner);
        if (entry == known.end())
        {
          std::set<std::string> sent;
          if (inputs.sentInstances)
          {
            sent = inputs.sentInstances(rule.partner);
          }
          entry = known.emplace(rule.partner, sent).first;
        }
        for (const std::string& id : candidates)
        {
          if (entry->second.insert(id).second)
          {
            decision.instanceIds.push_back(id);
          }
        }
        decision.outcome = decision.instanceIds.empty() ? RoutingOutcome::AlreadySent : RoutingOutcome::Send;
      }
      decisions.push_back(decision);
    }
    return decisions;
  }

  std::set<std::string> RoutingPlanner::FilterTags(const std::vector<RoutingRule>& rules, RoutingLevel level)
  {
    std::set<std::string> result;
    for (const RoutingRule& rule : rules)
    {
      if (rule.enabled && rule.level == level)
      {
        for (const RoutingCondition& condition : rule.filter)
        {
          result.insert(condition.tag);
        }
      }
    }
    return result;
  }

  bool RoutingPlanner::HasRules(const std::vector<RoutingRule>& rules, RoutingLevel level)
  {
    for (const RoutingRule& rule : rules)
    {
      if (rule.enabled && rule.level == level)
      {
        return true;
      }
    }
    return false;
  }
}
