// SPDX-License-Identifier: GPL-3.0-or-later
// The records of quality assurance (#17): daily tests, schedules put over
// REST, and QA transfers kept out of the clinical lists.

#include "Core/Common/Error.h"
#include "Core/Store/DailyTestStore.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/QaScheduleStore.h"
#include "Core/Store/Database.h"
#include "UnitTests/TestSupport.h"
#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  DailyTest MakeTest(const std::string& setId, const std::string& partner, const std::string& day, int64_t startedMs,
                 const std::string& trigger = "schedule")
  {
    DailyTest t;
    t.setId = setId;
    t.partner = partner;
    t.testDay = day;
    t.trigger = trigger;
    t.testData = "generated";
    t.instances = 3;
    t.dicomBytes = 25000;
    t.startedMs = startedMs;
    t.deadlineMs = startedMs + 60000;
    return t;
  }
}

class StoreQa : public StoreEngineTest
{
};

TEST_P(StoreQa, DailyTestsPassOrFailOnceAndRememberTheDay)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  DailyTestStore store(db);
  store.Add(MakeTest("s1", "tele", "2026-12-04", 1000));
  store.Add(MakeTest("s2", "tele", "2026-12-07", 2000));
  store.Add(MakeTest("s3", "praxis", "2026-12-07", 3000));
  store.Add(MakeTest("m1", "tele", "2026-12-08", 4000, "manual"));
  EXPECT_THROW(store.Add(MakeTest("s1", "tele", "2026-12-04", 1000)), Error);

  EXPECT_EQ(4u, store.ListRunning().size());
  const std::map<std::string, std::string> days = store.LastScheduledDays();
  EXPECT_EQ("2026-12-07", days.at("tele"));   // a manual test is no scheduled one
  EXPECT_EQ("2026-12-07", days.at("praxis"));

  EXPECT_TRUE(store.Pass("s1", 1500, 1400));
  EXPECT_FALSE(store.Fail("s1", "late", true));   // a pass stays a pass
  EXPECT_TRUE(store.Fail("s2", "not acknowledged within 60 s", true));
  EXPECT_FALSE(store.Pass("s2", 9000, 8000));     // a late answer never turns a failure into a pass
  EXPECT_TRUE(store.Fail("s3", "refused", false));

  DailyTest t;
  ASSERT_TRUE(store.Get("s1", t));
  EXPECT_EQ(DailyTestState::Passed, t.state);
  EXPECT_EQ(1500, t.acknowledgedMs);
  EXPECT_EQ(1400, t.receiverCompletedMs);
  ASSERT_TRUE(store.Get("s2", t));
  EXPECT_EQ(DailyTestState::Failed, t.state);
  EXPECT_EQ(0, t.acknowledgedMs);
  EXPECT_EQ(DailyTestAlert::Due, t.alert);

  const std::vector<DailyTest> due = store.ListAlertsDue();
  ASSERT_EQ(1u, due.size());
  EXPECT_EQ("s2", due[0].setId);
  store.MarkAlertSent("s2");
  EXPECT_TRUE(store.ListAlertsDue().empty());

  const std::vector<DailyTest> tele = store.List("tele", 10);
  ASSERT_EQ(3u, tele.size());
  EXPECT_EQ("m1", tele[0].setId);   // newest first
  EXPECT_EQ(1u, store.List("", 1).size());
  EXPECT_EQ(1u, store.ListRunning().size());
}

TEST_P(StoreQa, SchedulesPutOverRestReadBack)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  QaScheduleStore store(db);
  store.Put(QaSchedule::Parse("tele", TestSupport::ParseJson(R"({"DailyTestTime": "06:15", "Days": ["Sat"]})"), "x"));
  store.Put(QaSchedule::Parse("praxis", Json::Value(), "x"));
  std::vector<QaSchedule> schedules = store.List();
  ASSERT_EQ(2u, schedules.size());
  EXPECT_EQ("praxis", schedules[0].partner);
  EXPECT_EQ("tele", schedules[1].partner);
  EXPECT_EQ(6u * 60 + 15, schedules[1].dailyTestMinute);
  EXPECT_EQ(std::set<int>{ 6 }, schedules[1].days);
  EXPECT_FALSE(schedules[1].fromConfiguration);
  EXPECT_TRUE(store.Remove("tele"));
  EXPECT_FALSE(store.Remove("tele"));
  EXPECT_EQ(1u, store.List().size());
}

TEST_P(StoreQa, QaTransfersAreLeftOutOfTheClinicalListsUnlessAsked)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore outbox(db);
  InboxStore inbox(db);
  for (const std::string setId : { "clinical", "qa" })
  {
    OutboxTransfer o;
    o.setId = setId;
    o.partner = "tele";
    o.recipient = "tele@example.org";
    o.qaTest = setId == "qa";
    outbox.CreateTransfer(o, {});
    InboxTransfer i;
    i.setId = setId;
    i.partner = "tele";
    i.qaTest = setId == "qa";
    i.completedMs = 1796621101234;
    inbox.PutTransfer(i);
  }
  TransferFilter filter;
  ASSERT_EQ(1u, outbox.ListTransfers(10, 0, filter).size());
  EXPECT_EQ("clinical", outbox.ListTransfers(10, 0, filter)[0].setId);
  ASSERT_EQ(1u, inbox.ListTransfers(10, 0, filter).size());
  EXPECT_EQ("clinical", inbox.ListTransfers(10, 0, filter)[0].setId);
  filter.qaTests = TransferFilter::QaTests::Only;
  ASSERT_EQ(1u, outbox.ListTransfers(10, 0, filter).size());
  EXPECT_TRUE(outbox.ListTransfers(10, 0, filter)[0].qaTest);
  const std::vector<InboxTransfer> tests = inbox.ListTransfers(10, 0, filter);
  ASSERT_EQ(1u, tests.size());
  EXPECT_TRUE(tests[0].qaTest);
  EXPECT_EQ(1796621101234, tests[0].completedMs);
  filter.qaTests = TransferFilter::QaTests::Include;
  EXPECT_EQ(2u, outbox.ListTransfers(10, 0, filter).size());
  EXPECT_EQ(2u, inbox.ListTransfers(10, 0, filter).size());
}

INSTANTIATE_STORE_ENGINES(StoreQa);
