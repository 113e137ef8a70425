// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Routing/ReceptionKeys.h"
#include "Core/Routing/RoutingRuleParser.h"

#include "UnitTests/TestSupport.h"

#include <gtest/gtest.h>

#include <memory>

using namespace DicomMail;

namespace
{
  using TestSupport::ParseJson;

  // The message of the configuration error the rules raise ("" if none).
  std::string ErrorOf(const std::string& rules,
                      const RoutingRuleParser::KeywordCheck& check = RoutingRuleParser::KeywordCheck())
  {
    try
    {
      RoutingRuleParser::Parse(ParseJson(rules), check);
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::Configuration, e.GetKind());
      return e.what();
    }
    return "";
  }
}

TEST(RoutingRule, ParsesACompleteRule)
{
  const std::vector<RoutingRule> rules = RoutingRuleParser::Parse(ParseJson(R"([
    {"Name": "CT-night", "Partner": "telerad", "Level": "Series",
     "Filter": {"Modality": "CT", "ReferringPhysicianName": "Dr*Meier*", "InstitutionName": ["A*", "B"]},
     "Enabled": false}])"));
  ASSERT_EQ(1u, rules.size());
  EXPECT_EQ("CT-night", rules[0].name);
  EXPECT_EQ("telerad", rules[0].partner);
  EXPECT_EQ(RoutingLevel::Series, rules[0].level);
  EXPECT_FALSE(rules[0].enabled);
  ASSERT_EQ(3u, rules[0].filter.size());
  std::map<std::string, std::string> filter;
  for (const RoutingCondition& c : rules[0].filter)
  {
    filter[c.tag] = c.pattern;
  }
  EXPECT_EQ("CT", filter["Modality"]);
  EXPECT_EQ("Dr*Meier*", filter["ReferringPhysicianName"]);
  EXPECT_EQ("A*\\B", filter["InstitutionName"]);
}

TEST(RoutingRule, DefaultsAreStudyLevelEnabledMatchAll)
{
  const std::vector<RoutingRule> rules = RoutingRuleParser::Parse(ParseJson(R"([{"Name": "all", "Partner": "p"}])"));
  ASSERT_EQ(1u, rules.size());
  EXPECT_EQ(RoutingLevel::Study, rules[0].level);
  EXPECT_TRUE(rules[0].enabled);
  EXPECT_TRUE(rules[0].filter.empty());
  EXPECT_TRUE(rules[0].Matches(DicomTagValues()));
  EXPECT_TRUE(RoutingRuleParser::Parse(Json::Value()).empty());
  EXPECT_TRUE(RoutingRuleParser::Parse(Json::Value(Json::arrayValue)).empty());
}

TEST(RoutingRule, ErrorsNameTheRuleAndTheField)
{
  EXPECT_EQ("Invalid configuration \"DicomMail.AutoRouting[0]\" (rule \"CT-night\"): "
            "\"Level\" must be \"Study\" or \"Series\", not \"Patient\"",
            ErrorOf(R"([{"Name": "CT-night", "Partner": "p", "Level": "Patient"}])"));
  EXPECT_EQ("Invalid configuration \"DicomMail.AutoRouting[1]\" (rule \"b\"): \"Partner\" is missing",
            ErrorOf(R"([{"Name": "a", "Partner": "p"}, {"Name": "b"}])"));
  EXPECT_EQ("Invalid configuration \"DicomMail.AutoRouting[0]\": \"Name\" is missing",
            ErrorOf(R"([{"Partner": "p"}])"));
  EXPECT_EQ("Invalid configuration \"DicomMail.AutoRouting[0]\": each rule must be a JSON object",
            ErrorOf(R"(["CT"])"));
  EXPECT_EQ("Invalid configuration \"DicomMail.AutoRouting\": must be a list of rules", ErrorOf(R"({"a": 1})"));
  EXPECT_NE(std::string::npos, ErrorOf(R"([{"Name": "x", "Partner": "p", "Enabled": "yes"}])")
            .find("(rule \"x\"): \"Enabled\" must be true or false"));
  EXPECT_NE(std::string::npos, ErrorOf(R"([{"Name": "x", "Partner": "p", "Filtre": {}}])")
            .find("(rule \"x\"): unknown field \"Filtre\""));
  EXPECT_NE(std::string::npos, ErrorOf(R"([{"Name": "x", "Partner": "p", "Filter": ["CT"]}])")
            .find("(rule \"x\"): \"Filter\" must be an object"));
  EXPECT_NE(std::string::npos, ErrorOf(R"([{"Name": "x", "Partner": "p", "Filter": {"Modality": 3}}])")
            .find("(rule \"x\"): \"Filter\".\"Modality\" must be a string"));
  EXPECT_NE(std::string::npos, ErrorOf(R"([{"Name": "x", "Partner": "p", "Filter": {"Modality": ""}}])")
            .find("\"Filter\".\"Modality\" is empty"));
  EXPECT_NE(std::string::npos, ErrorOf(R"([{"Name": "x", "Partner": "p", "Filter": {"0008,0060": "CT"}}])")
            .find("\"Filter\".\"0008,0060\": tags are named by their DICOM keyword"));
  EXPECT_NE(std::string::npos, ErrorOf(R"([{"Name": "x", "Partner": ""}])")
            .find("(rule \"x\"): \"Partner\" must be a non-empty string"));
}

TEST(RoutingRule, NamesMustBeUnique)
{
  EXPECT_EQ("Invalid configuration \"DicomMail.AutoRouting[1]\" (rule \"a\"): "
            "another rule has the same \"Name\"; names must be unique",
            ErrorOf(R"([{"Name": "a", "Partner": "p"}, {"Name": "a", "Partner": "q"}])"));
}

TEST(RoutingRule, UnknownKeywordsAreRefusedByTheDictionary)
{
  const RoutingRuleParser::KeywordCheck check = [](const std::string& k) {
    return k == "Modality" || k == "InstitutionName";
  };
  EXPECT_EQ("", ErrorOf(R"([{"Name": "x", "Partner": "p", "Filter": {"Modality": "CT"}}])", check));
  EXPECT_EQ("Invalid configuration \"DicomMail.AutoRouting[0]\" (rule \"x\"): \"Filter\".\"Modalty\": "
            "unknown DICOM tag (check the spelling of the keyword)",
            ErrorOf(R"([{"Name": "x", "Partner": "p", "Filter": {"Modalty": "CT"}}])", check));
}

TEST(RoutingRule, MatchesEveryConditionAgainstTheTags)
{
  const std::vector<RoutingRule> rules = RoutingRuleParser::Parse(ParseJson(R"([
    {"Name": "r", "Partner": "p", "Filter": {"Modality": "CT", "ReferringPhysicianName": "*meier*"}}])"));
  DicomTagValues tags = {{"Modality", "CT"}, {"ReferringPhysicianName", "Meier^Hans^^Dr."}};
  EXPECT_TRUE(rules[0].Matches(tags));
  tags["Modality"] = "MR";
  EXPECT_FALSE(rules[0].Matches(tags));
  tags["Modality"] = "CT";
  tags.erase("ReferringPhysicianName");
  EXPECT_FALSE(rules[0].Matches(tags));   // a missing tag is empty: only "*" matches it

  const std::vector<RoutingRule> star = RoutingRuleParser::Parse(ParseJson(R"([
    {"Name": "r", "Partner": "p", "Filter": {"InstitutionName": "*"}}])"));
  EXPECT_TRUE(star[0].Matches(DicomTagValues()));
}

TEST(RoutingRule, AcceptsTheAeTitlesOrthancRecordsThoughNoKeywords)
{
  const RoutingRuleParser::KeywordCheck check = [](const std::string& k) { return k == "Modality"; };
  EXPECT_EQ("", ErrorOf(R"([{"Name": "x", "Partner": "p",
                             "Filter": {"CalledAET": "MAILGW", "RemoteAET": ["CT1", "MR*"]}}])", check));
  // Only Orthanc's own metadata names: a near miss is still refused.
  EXPECT_NE("", ErrorOf(R"([{"Name": "x", "Partner": "p", "Filter": {"CalledAe": "MAILGW"}}])", check));
}

TEST(RoutingRule, MatchesTheCalledAndCallingAeTitles)
{
  const std::vector<RoutingRule> rules = RoutingRuleParser::Parse(ParseJson(R"([
    {"Name": "r", "Partner": "p", "Filter": {"CalledAET": "MAILGW", "RemoteAET": ["CT1", "MR*"]}}])"));
  DicomTagValues tags = {{"CalledAET", "MAILGW"}, {"RemoteAET", "MR_3T"}};
  EXPECT_TRUE(rules[0].Matches(tags));
  tags["RemoteAET"] = "CT1";
  EXPECT_TRUE(rules[0].Matches(tags));
  tags["RemoteAET"] = "PACS";
  EXPECT_FALSE(rules[0].Matches(tags));      // another sender
  tags["RemoteAET"] = "CT1";
  tags["CalledAET"] = "ORTHANC";
  EXPECT_FALSE(rules[0].Matches(tags));      // sent to another of our AE titles
  tags.erase("CalledAET");
  EXPECT_FALSE(rules[0].Matches(tags));      // uploaded over REST: Orthanc recorded none
}

TEST(RoutingRule, ReceptionKeysAreTheTwoAeTitles)
{
  EXPECT_TRUE(ReceptionKeys::IsReceptionKey("CalledAET"));
  EXPECT_TRUE(ReceptionKeys::IsReceptionKey("RemoteAET"));
  EXPECT_FALSE(ReceptionKeys::IsReceptionKey("Modality"));
  EXPECT_EQ(std::set<std::string>({"RemoteAET"}),
            ReceptionKeys::Select({"Modality", "RemoteAET", "InstitutionName"}));
}
