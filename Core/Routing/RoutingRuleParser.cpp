// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Routing/RoutingRuleParser.h"

#include "Core/Common/Error.h"
#include "Core/Routing/ReceptionKeys.h"

#include <set>

namespace DicomMail
{
  namespace
  {
    const char* const kSection = "DicomMail.AutoRouting";

    class RuleContext
    {
    public:
      RuleContext(unsigned int index, const std::string& name) :
        index_(index),
        name_(name)
      {
      }

      void SetName(const std::string& name)
      {
        name_ = name;
      }

      [[noreturn]] void Fail(const std::string& problem) const
      {
        std::string message = "Invalid configuration \"" + std::string(kSection) + "[" +
          std::to_string(index_) + "]\"";
        if (!name_.empty())
        {
          message += " (rule \"" + name_ + "\")";
        }
        throw Error(ErrorKind::Configuration, message + ": " + problem);
      }

    private:
      unsigned int index_;
      std::string name_;
    };

    bool IsKeyword(const std::string& tag)
    {
      if (tag.empty() || !((tag[0] >= 'A' && tag[0] <= 'Z') || (tag[0] >= 'a' && tag[0] <= 'z')))
      {
        return false;
      }
      for (char c : tag)
      {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!ok)
        {
          return false;
        }
      }
      return true;
    }

    std::string RequireString(const Json::Value& rule, const char* key, const RuleContext& context)
    {
      if (!rule.isMember(key))
      {
        context.Fail("\"" + std::string(key) + "\" is missing");
      }
      if (!rule[key].isString() || rule[key].asString().empty())
      {
        context.Fail("\"" + std::string(key) + "\" must be a non-empty string");
      }
      return rule[key].asString();
    }

    std::string Join(const std::vector<std::string>& parts)
    {
      std::string result;
      for (const std::string& part : parts)
      {
        result += (result.empty() ? "" : "\\") + part;
      }
      return result;
    }

    RoutingCondition ParseCondition(const std::string& tag, const Json::Value& value, const RuleContext& context,
                                    const RoutingRuleParser::KeywordCheck& isKnownKeyword)
    {
      const std::string field = "\"Filter\".\"" + tag + "\"";
      if (!IsKeyword(tag))
      {
        context.Fail(field + ": tags are named by their DICOM keyword, e.g. \"InstitutionName\"");
      }
      // The AE titles Orthanc records are no DICOM keywords, and are known.
      if (isKnownKeyword && !ReceptionKeys::IsReceptionKey(tag) && !isKnownKeyword(tag))
      {
        context.Fail(field + ": unknown DICOM tag (check the spelling of the keyword)");
      }
      RoutingCondition condition;
      condition.tag = tag;
      if (value.isString())
      {
        condition.pattern = value.asString();
      }
      else if (value.isArray() && !value.empty())
      {
        std::vector<std::string> alternatives;
        for (const Json::Value& item : value)
        {
          if (!item.isString())
          {
            context.Fail(field + " must be a string or a list of strings");
          }
          alternatives.push_back(item.asString());
        }
        condition.pattern = Join(alternatives);
      }
      else
      {
        context.Fail(field + " must be a string (a value or a wildcard like \"Dr*Meier*\") or a list of strings");
      }
      if (condition.pattern.empty())
      {
        context.Fail(field + " is empty: use \"*\" to accept any value");
      }
      return condition;
    }

    RoutingRule ParseRule(const Json::Value& rule, unsigned int index,
                          const RoutingRuleParser::KeywordCheck& isKnownKeyword)
    {
      RuleContext context(index, "");
      if (!rule.isObject())
      {
        context.Fail("each rule must be a JSON object");
      }
      RoutingRule result;
      result.name = RequireString(rule, "Name", context);
      context.SetName(result.name);

      for (const std::string& key : rule.getMemberNames())
      {
        if (key != "Name" && key != "Partner" && key != "Level" && key != "Filter" && key != "Enabled")
        {
          context.Fail("unknown field \"" + key + "\" (known: Name, Partner, Level, Filter, Enabled)");
        }
      }

      result.partner = RequireString(rule, "Partner", context);

      if (rule.isMember("Level"))
      {
        const Json::Value& level = rule["Level"];
        if (level.isString() && level.asString() == "Study")
        {
          result.level = RoutingLevel::Study;
        }
        else if (level.isString() && level.asString() == "Series")
        {
          result.level = RoutingLevel::Series;
        }
        else
        {
          context.Fail("\"Level\" must be \"Study\" or \"Series\", not " +
                       (level.isString() ? "\"" + level.asString() + "\"" : std::string("a non-string value")));
        }
      }

      if (rule.isMember("Enabled"))
      {
        if (!rule["Enabled"].isBool())
        {
          context.Fail("\"Enabled\" must be true or false");
        }
        result.enabled = rule["Enabled"].asBool();
      }

      if (rule.isMember("Filter"))
      {
        const Json::Value& filter = rule["Filter"];
        if (!filter.isObject())
        {
          context.Fail("\"Filter\" must be an object of DICOM keyword -> value or wildcard");
        }
        for (const std::string& tag : filter.getMemberNames())
        {
          result.filter.push_back(ParseCondition(tag, filter[tag], context, isKnownKeyword));
        }
      }
      return result;
    }
  }

  std::vector<RoutingRule> RoutingRuleParser::Parse(const Json::Value& rules, const KeywordCheck& isKnownKeyword)
  {
    std::vector<RoutingRule> result;
    if (rules.isNull())
    {
      return result;
    }
    if (!rules.isArray())
    {
      throw Error(ErrorKind::Configuration,
                  "Invalid configuration \"" + std::string(kSection) + "\": must be a list of rules");
    }
    std::set<std::string> names;
    for (Json::ArrayIndex i = 0; i < rules.size(); i++)
    {
      RoutingRule rule = ParseRule(rules[i], i, isKnownKeyword);
      if (!names.insert(rule.name).second)
      {
        RuleContext(i, rule.name).Fail("another rule has the same \"Name\"; names must be unique");
      }
      result.push_back(rule);
    }
    return result;
  }
}
