// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Routing/RoutingPlanner.h"
#include "Core/Store/RoutingStore.h"
#include "Core/Store/SqliteDatabase.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

using namespace DicomMail;

namespace
{
  RoutingRule Rule(const std::string& name, const std::string& partner, RoutingLevel level,
                   const std::vector<RoutingCondition>& filter)
  {
    RoutingRule rule;
    rule.name = name;
    rule.partner = partner;
    rule.level = level;
    rule.filter = filter;
    return rule;
  }

  RoutedSeries Series(const std::string& id, const std::string& modality, const std::vector<std::string>& instances)
  {
    RoutedSeries series;
    series.orthancId = id;
    series.tags["Modality"] = modality;
    series.tags["InstitutionName"] = "Klinikum Süd";
    series.instanceIds = instances;
    return series;
  }

  RoutedStudy CtAndSrStudy()
  {
    RoutedStudy study;
    study.orthancId = "study-1";
    study.studyInstanceUid = "1.2.3";
    study.series.push_back(Series("s-ct", "CT", {"i1", "i2"}));
    study.series.push_back(Series("s-sr", "SR", {"i3"}));
    return study;
  }

  RoutingPlanner::Inputs NothingSent(RoutingLevel trigger)
  {
    RoutingPlanner::Inputs inputs;
    inputs.trigger = trigger;
    inputs.sentInstances = [](const std::string&) { return std::set<std::string>(); };
    return inputs;
  }

  std::set<std::string> AsSet(const std::vector<std::string>& v)
  {
    return std::set<std::string>(v.begin(), v.end());
  }

}

TEST(RoutingPlanner, StudyRuleSendsTheWholeStudyWhenOneSeriesMatches)
{
  const std::vector<RoutingRule> rules = {Rule("ct", "telerad", RoutingLevel::Study, {{"Modality", "CT"}})};
  const std::vector<RoutingDecision> d = RoutingPlanner::Plan(rules, CtAndSrStudy(), NothingSent(RoutingLevel::Study));
  ASSERT_EQ(1u, d.size());
  EXPECT_EQ(RoutingOutcome::Send, d[0].outcome);
  EXPECT_EQ("telerad", d[0].partner);
  EXPECT_EQ("ct", d[0].ruleName);
  EXPECT_EQ(AsSet({"i1", "i2", "i3"}), AsSet(d[0].instanceIds));   // the SR goes with the CT
}

TEST(RoutingPlanner, NonMatchingStudyIsNotSent)
{
  const std::vector<RoutingRule> rules = {Rule("mr", "telerad", RoutingLevel::Study, {{"Modality", "MR"}})};
  const std::vector<RoutingDecision> d = RoutingPlanner::Plan(rules, CtAndSrStudy(), NothingSent(RoutingLevel::Study));
  ASSERT_EQ(1u, d.size());
  EXPECT_EQ(RoutingOutcome::NoMatch, d[0].outcome);
  EXPECT_TRUE(d[0].instanceIds.empty());
}

TEST(RoutingPlanner, SeriesRuleSendsOnlyMatchingSeries)
{
  const std::vector<RoutingRule> rules = {Rule("sr", "registry", RoutingLevel::Series, {{"Modality", "SR"}})};
  const std::vector<RoutingDecision> d = RoutingPlanner::Plan(rules, CtAndSrStudy(),
                                                              NothingSent(RoutingLevel::Series));
  ASSERT_EQ(1u, d.size());
  EXPECT_EQ(RoutingOutcome::Send, d[0].outcome);
  EXPECT_EQ(std::vector<std::string>({"i3"}), d[0].instanceIds);
}

TEST(RoutingPlanner, OnlyRulesOfTheTriggerLevelThatAreEnabledCount)
{
  RoutingRule disabled = Rule("off", "a", RoutingLevel::Study, {});
  disabled.enabled = false;
  const std::vector<RoutingRule> rules = {disabled, Rule("series", "b", RoutingLevel::Series, {}),
                                          Rule("study", "c", RoutingLevel::Study, {})};
  const std::vector<RoutingDecision> d = RoutingPlanner::Plan(rules, CtAndSrStudy(), NothingSent(RoutingLevel::Study));
  ASSERT_EQ(1u, d.size());
  EXPECT_EQ("study", d[0].ruleName);
  EXPECT_TRUE(RoutingPlanner::HasRules(rules, RoutingLevel::Series));
  EXPECT_EQ(std::set<std::string>(), RoutingPlanner::FilterTags(rules, RoutingLevel::Study));
}

TEST(RoutingPlanner, AlreadySentInstancesAreLeftOut)
{
  const std::vector<RoutingRule> rules = {Rule("ct", "telerad", RoutingLevel::Study, {{"Modality", "CT"}})};
  RoutingPlanner::Inputs inputs = NothingSent(RoutingLevel::Study);
  inputs.sentInstances = [](const std::string& partner) {
    return partner == "telerad" ? std::set<std::string>({"i1", "i2"}) : std::set<std::string>();
  };
  std::vector<RoutingDecision> d = RoutingPlanner::Plan(rules, CtAndSrStudy(), inputs);
  ASSERT_EQ(1u, d.size());
  EXPECT_EQ(RoutingOutcome::Send, d[0].outcome);
  EXPECT_EQ(std::vector<std::string>({"i3"}), d[0].instanceIds);

  inputs.sentInstances = [](const std::string&) { return std::set<std::string>({"i1", "i2", "i3"}); };
  d = RoutingPlanner::Plan(rules, CtAndSrStudy(), inputs);
  ASSERT_EQ(1u, d.size());
  EXPECT_EQ(RoutingOutcome::AlreadySent, d[0].outcome);
  EXPECT_TRUE(d[0].instanceIds.empty());
}

TEST(RoutingPlanner, TwoRulesTowardsOnePartnerSendOnce)
{
  const std::vector<RoutingRule> rules = {Rule("ct", "telerad", RoutingLevel::Study, {{"Modality", "CT"}}),
                                          Rule("sued", "telerad", RoutingLevel::Study, {{"InstitutionName", "*süd"}}),
                                          Rule("copy", "archive", RoutingLevel::Study, {})};
  const std::vector<RoutingDecision> d = RoutingPlanner::Plan(rules, CtAndSrStudy(), NothingSent(RoutingLevel::Study));
  ASSERT_EQ(3u, d.size());
  EXPECT_EQ(RoutingOutcome::Send, d[0].outcome);
  EXPECT_EQ(RoutingOutcome::AlreadySent, d[1].outcome);
  EXPECT_EQ(RoutingOutcome::Send, d[2].outcome);
  EXPECT_EQ(3u, d[2].instanceIds.size());
}

TEST(RoutingPlanner, StudiesAreNeverRoutedBackToTheirSender)
{
  const std::vector<RoutingRule> rules = {Rule("back", "Hospital", RoutingLevel::Study, {}),
                                          Rule("onwards", "archive", RoutingLevel::Study, {})};
  RoutingPlanner::Inputs inputs = NothingSent(RoutingLevel::Study);
  inputs.senders = {"hospital"};
  const std::vector<RoutingDecision> d = RoutingPlanner::Plan(rules, CtAndSrStudy(), inputs);
  ASSERT_EQ(2u, d.size());
  EXPECT_EQ(RoutingOutcome::CameFromPartner, d[0].outcome);
  EXPECT_TRUE(d[0].instanceIds.empty());
  EXPECT_EQ(RoutingOutcome::Send, d[1].outcome);   // other partners still get it
}

TEST(RoutingPlanner, FollowUpWithTheRoutingStoreAcrossReopening)
{
  TempDirectory dir;
  const std::vector<RoutingRule> rules = {Rule("ct", "telerad", RoutingLevel::Study, {{"Modality", "CT"}})};
  RoutedStudy study = CtAndSrStudy();
  {
    SqliteDatabase db(dir.File("routing.db"));
    RoutingStore store(db);
    RoutingPlanner::Inputs inputs;
    inputs.trigger = RoutingLevel::Study;
    inputs.senders = store.GetSenders(study.studyInstanceUid);
    inputs.sentInstances = [&](const std::string& p) { return store.GetSentInstances(p, study.studyInstanceUid); };
    const std::vector<RoutingDecision> d = RoutingPlanner::Plan(rules, study, inputs);
    ASSERT_EQ(RoutingOutcome::Send, d.at(0).outcome);
    store.MarkSent(d[0].ruleName, d[0].partner, study.studyInstanceUid, d[0].instanceIds);
  }

  // A restart later the study has grown by one series.
  study.series.push_back(Series("s-ct2", "CT", {"i4", "i5"}));
  SqliteDatabase db(dir.File("routing.db"));
  RoutingStore store(db);
  RoutingPlanner::Inputs inputs;
  inputs.trigger = RoutingLevel::Study;
  inputs.sentInstances = [&](const std::string& p) { return store.GetSentInstances(p, study.studyInstanceUid); };
  const std::vector<RoutingDecision> d = RoutingPlanner::Plan(rules, study, inputs);
  ASSERT_EQ(1u, d.size());
  EXPECT_EQ(RoutingOutcome::Send, d[0].outcome);
  EXPECT_EQ(AsSet({"i4", "i5"}), AsSet(d[0].instanceIds));
  store.MarkSent(d[0].ruleName, d[0].partner, study.studyInstanceUid, d[0].instanceIds);
  EXPECT_EQ(RoutingOutcome::AlreadySent, RoutingPlanner::Plan(rules, study, inputs).at(0).outcome);

  // Received from telerad: no more routing there, whatever is new.
  store.RecordReceived(study.studyInstanceUid, "telerad");
  study.series.push_back(Series("s-ct3", "CT", {"i6"}));
  inputs.senders = store.GetSenders(study.studyInstanceUid);
  EXPECT_EQ(RoutingOutcome::CameFromPartner, RoutingPlanner::Plan(rules, study, inputs).at(0).outcome);
}
