// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Config/Configuration.h"
#include "Core/Forwarding/ForwardDecision.h"
#include "Core/Forwarding/ForwardSchedule.h"
#include "Core/Store/ForwardStore.h"
#include "Core/Store/SqliteDatabase.h"
#include "Core/Store/UtcTime.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <memory>

using namespace DicomMail;

namespace
{
  const std::string kT0 = "2026-12-07T10:00:00Z";

  std::string At(int64_t seconds)
  {
    return UtcTime::FromUnix(UtcTime::ToUnix(kT0) + seconds);
  }

  using TestSupport::ParseJson;

  std::string ConfigurationError(const std::string& forwarding)
  {
    try
    {
      Configuration::Parse(ParseJson("{\"Forwarding\": " + forwarding + "}"));
    }
    catch (const Error& e)
    {
      return e.what();
    }
    return "";
  }

  ForwardRecord Forward(int64_t id, const std::string& modality, ForwardState state, const std::string& nextAttemptAt)
  {
    ForwardRecord f;
    f.id = id;
    f.setId = "set-" + std::to_string(id);
    f.modality = modality;
    f.state = state;
    f.nextAttemptAt = nextAttemptAt;
    return f;
  }

  std::vector<int64_t> Ids(const std::vector<ForwardStep>& steps)
  {
    std::vector<int64_t> ids;
    for (const ForwardStep& step : steps)
    {
      ids.push_back(step.forward.id);
    }
    return ids;
  }

  class ForwardStoreTest : public ::testing::Test
  {
  protected:
    TempDirectory dir;
    SqliteDatabase db{dir.File("records.db")};
    ForwardStore store{db};
  };
}

TEST(ForwardingSettings, ThePartnersEntryWinsOverTheSites)
{
  const Configuration c = Configuration::Parse(ParseJson(R"({"Forwarding": {
    "Modality": "pacs", "Partners": {"teleradiology": "reporting", "research": ""},
    "DeleteAfterForward": true, "RetryDelay": 5}})"));
  EXPECT_EQ("pacs", c.forwarding.DestinationFor("clinic"));
  EXPECT_EQ("reporting", c.forwarding.DestinationFor("teleradiology"));
  EXPECT_EQ("", c.forwarding.DestinationFor("research"));   // "" keeps that partner's transfers here
  EXPECT_EQ("", c.forwarding.DestinationFor(""));           // no partner: never imported, never forwarded
  EXPECT_TRUE(c.forwarding.deleteAfterForward);
  EXPECT_EQ(5u, c.forwarding.retryDelay);
}

TEST(ForwardingSettings, NothingIsForwardedByDefault)
{
  const Configuration c = Configuration::Parse(Json::Value());
  EXPECT_EQ("", c.forwarding.DestinationFor("clinic"));
  EXPECT_FALSE(c.forwarding.deleteAfterForward);
}

TEST(ForwardingSettings, BadValuesNameTheirKey)
{
  EXPECT_NE(std::string::npos, ConfigurationError(R"({"Modality": 3})").find("DicomMail.Forwarding.Modality"));
  EXPECT_NE(std::string::npos, ConfigurationError(R"({"Partners": {"a": 1}})").find("Partners.a"));
  EXPECT_NE(std::string::npos, ConfigurationError(R"({"Partners": ["a"]})").find("Partners"));
  EXPECT_NE(std::string::npos, ConfigurationError(R"({"RetryDelay": 0})").find("RetryDelay"));
  EXPECT_NE(std::string::npos, ConfigurationError(R"({"DeleteAfterForwrd": true})").find("DeleteAfterForwrd"));
}

TEST(ForwardingSettings, EveryModalityMustBeAnEntryOfOrthanc)
{
  ForwardingSettings settings;
  settings.modality = "pacs";
  settings.partners = {{"research", ""}, {"teleradiology", "reporting"}};
  EXPECT_NO_THROW(settings.CheckModalities({"pacs", "reporting"}));
  try
  {
    settings.CheckModalities({"pacs"});
    FAIL() << "an unknown modality passed";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Configuration, e.GetKind());
    EXPECT_EQ(std::string("Invalid configuration \"DicomMail.Forwarding.Partners.teleradiology\": "
                          "Orthanc has no DicomModalities entry \"reporting\""), e.what());
  }
  EXPECT_THROW(settings.CheckModalities({"reporting"}), Error);
  EXPECT_NO_THROW(ForwardingSettings().CheckModalities({}));   // nothing forwarded, nothing to check
}

TEST(ForwardDecision, OnlyACompleteTransferIsForwarded)
{
  ForwardingSettings settings;
  settings.modality = "pacs";
  InboxTransfer t;
  t.partner = "clinic";
  for (InboxTransferState state : AllInboxTransferStates())
  {
    t.state = state;
    EXPECT_EQ(InboxStates::IsComplete(state) ? "pacs" : "", ForwardDecision::ModalityFor(settings, t))
      << ToString(state);
  }
  t.state = InboxTransferState::Receiving;   // a mail missing: never half a study
  EXPECT_EQ("", ForwardDecision::ModalityFor(settings, t));
  settings.modality.clear();
  t.state = InboxTransferState::Complete;
  EXPECT_EQ("", ForwardDecision::ModalityFor(settings, t));
}

TEST(ForwardSchedule, EachModalityTakesItsTransfersInOrderOneAtATime)
{
  std::string wakeAt;
  const std::vector<ForwardRecord> queue = {
    Forward(1, "pacs", ForwardState::Queued, kT0),
    Forward(2, "pacs", ForwardState::Queued, kT0),
    Forward(3, "reporting", ForwardState::Queued, kT0) };
  EXPECT_EQ(std::vector<int64_t>({1, 3}), Ids(ForwardSchedule::Plan(queue, kT0, wakeAt)));
  EXPECT_EQ("", wakeAt);
}

TEST(ForwardSchedule, ARunningJobIsFollowedAndTheNextWaitsForIt)
{
  std::string wakeAt;
  const std::vector<ForwardStep> steps = ForwardSchedule::Plan({
    Forward(1, "pacs", ForwardState::Forwarding, kT0), Forward(2, "pacs", ForwardState::Queued, kT0) }, At(10), wakeAt);
  ASSERT_EQ(1u, steps.size());
  EXPECT_EQ(1, steps[0].forward.id);
  EXPECT_EQ(ForwardStep::Kind::Follow, steps[0].kind);
}

TEST(ForwardSchedule, AFailedHeadHoldsBackTheLaterOnesUntilItsRetry)
{
  // The PACS is down: transfer 2 completed later and must not overtake 1.
  const std::vector<ForwardRecord> queue = {
    Forward(1, "pacs", ForwardState::Retrying, At(60)), Forward(2, "pacs", ForwardState::Queued, kT0) };
  std::string wakeAt;
  EXPECT_TRUE(ForwardSchedule::Plan(queue, At(30), wakeAt).empty());
  EXPECT_EQ(At(60), wakeAt);
  const std::vector<ForwardStep> due = ForwardSchedule::Plan(queue, At(60), wakeAt);
  EXPECT_EQ(std::vector<int64_t>({1}), Ids(due));
  EXPECT_EQ(ForwardStep::Kind::Start, due[0].kind);
}

TEST_F(ForwardStoreTest, ATransferIsQueuedOnceAndKeepsItsPlace)
{
  EXPECT_TRUE(store.Queue("set-a", "pacs", kT0));
  EXPECT_TRUE(store.Queue("set-b", "pacs", At(1)));
  EXPECT_FALSE(store.Queue("set-a", "pacs", At(2)));   // completed again (a retry): not a second forward
  const std::vector<ForwardRecord> queue = store.ListUnfinished();
  ASSERT_EQ(2u, queue.size());
  EXPECT_EQ("set-a", queue[0].setId);
  EXPECT_EQ(kT0, queue[0].queuedAt);
  EXPECT_EQ(ForwardState::Queued, queue[0].state);
  EXPECT_EQ(kT0, queue[0].nextAttemptAt);
  EXPECT_EQ("set-b", queue[1].setId);
  EXPECT_THROW(store.Queue("", "pacs", kT0), Error);
  EXPECT_THROW(store.Queue("set-c", "", kT0), Error);
}

TEST_F(ForwardStoreTest, AFailureIsRetriedWithBackOffAndTheAdminMayRetryAtOnce)
{
  store.Queue("set-a", "pacs", kT0);
  ForwardRecord f;
  ASSERT_TRUE(store.Get("set-a", f));
  store.MarkStarted(f.id, "job-1", 3, At(1));
  ASSERT_TRUE(store.Get("set-a", f));
  EXPECT_EQ(ForwardState::Forwarding, f.state);
  EXPECT_EQ("job-1", f.jobId);
  EXPECT_EQ(3u, f.instances);
  EXPECT_FALSE(store.RetryNow("set-a", At(2)));   // running: nothing to hurry

  EXPECT_EQ(At(12), store.RecordFailure(f.id, "association refused", At(2), 10));
  EXPECT_EQ(At(23), store.RecordFailure(f.id, "association refused", At(3), 10));   // doubled
  ASSERT_TRUE(store.Get("set-a", f));
  EXPECT_EQ(ForwardState::Retrying, f.state);
  EXPECT_EQ(2u, f.attempts);
  EXPECT_EQ("association refused", f.lastError);

  EXPECT_TRUE(store.RetryNow("set-a", At(4)));
  ASSERT_TRUE(store.Get("set-a", f));
  EXPECT_EQ(At(4), f.nextAttemptAt);
  EXPECT_FALSE(store.RetryNow("set-unknown", At(4)));
}

TEST_F(ForwardStoreTest, AForwardedTransferLeavesTheQueueAndForgetsItsInstances)
{
  store.Queue("set-a", "pacs", kT0);
  store.RecordInstance("set-a", "i2");
  store.RecordInstance("set-a", "i1");
  store.RecordInstance("set-a", "i1");
  store.RecordInstance("set-b", "i2");   // the same instance came again with a later transfer
  EXPECT_EQ(std::vector<std::string>({"i1", "i2"}), store.ListInstances("set-a"));
  EXPECT_EQ(std::vector<std::string>({"i2"}), store.SharedWithOthers("set-a", {"i1", "i2"}));

  ForwardRecord f;
  ASSERT_TRUE(store.Get("set-a", f));
  store.MarkForwarded(f.id, 2, At(5), true);
  EXPECT_TRUE(store.ListUnfinished().empty());
  ASSERT_TRUE(store.Get("set-a", f));
  EXPECT_EQ(ForwardState::Forwarded, f.state);
  EXPECT_EQ(At(5), f.forwardedAt);
  EXPECT_TRUE(f.deleted);
  EXPECT_EQ(2u, f.instances);
  EXPECT_TRUE(store.ListInstances("set-a").empty());
  EXPECT_EQ(std::vector<std::string>({"i2"}), store.ListInstances("set-b"));
  EXPECT_FALSE(store.RetryNow("set-a", At(6)));   // forwarded: nothing to retry
  EXPECT_THROW(store.MarkForwarded(999, 0, At(6), false), Error);
}

TEST_F(ForwardStoreTest, TheSummarySaysHowManyWaitAndWhyTheyFail)
{
  EXPECT_EQ(0u, store.Summarize().waiting);
  store.Queue("set-a", "pacs", kT0);
  store.Queue("set-b", "pacs", At(1));
  store.Queue("set-c", "pacs", At(2));
  ForwardRecord a, c;
  ASSERT_TRUE(store.Get("set-a", a));
  ASSERT_TRUE(store.Get("set-c", c));
  store.RecordFailure(a.id, "association refused", At(3), 10);
  store.MarkForwarded(c.id, 1, At(4), false);
  const ForwardQueueSummary summary = store.Summarize();
  EXPECT_EQ(2u, summary.waiting);
  EXPECT_EQ(1u, summary.failing);
  EXPECT_EQ(kT0, summary.oldestWaiting);
  EXPECT_EQ("association refused", summary.lastError);
}
