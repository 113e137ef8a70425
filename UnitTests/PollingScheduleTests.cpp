// SPDX-License-Identifier: GPL-3.0-or-later
// PollSchedule (#25): a mailbox's worker polls at its interval or when asked;
// a poll in progress answers no request made during it, and a mailbox that
// is busy answers for itself only.
#include "Core/Polling/PollSchedule.h"

#include <future>
#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  // An interval no test waits out: a test that did would hang, and fail by
  // its guard below or ctest's timeout.
  const std::chrono::seconds kHour(3600);
  const std::chrono::minutes kHangGuard(1);

  Json::Value Summary(unsigned int fetched)
  {
    Json::Value v;
    v["Fetched"] = fetched;
    return v;
  }

  PollSchedule::Clock::time_point Now()
  {
    return PollSchedule::Clock::now();
  }

  // What the worker does once asked: its interval ends at once (or the test
  // hangs), then one poll.
  void PollWhenAsked(PollSchedule& schedule, unsigned int fetched)
  {
    EXPECT_TRUE(schedule.WaitForNextPoll());
    schedule.BeginPoll();
    schedule.EndPoll(Summary(fetched));
  }
}

TEST(PollingSchedule, ARequestWhileIdleIsAnsweredByTheNextPoll)
{
  PollSchedule schedule(kHour);
  const uint64_t ticket = schedule.Request();
  Json::Value summary;
  EXPECT_FALSE(schedule.Await(ticket, Now(), summary));   // not polled yet
  PollWhenAsked(schedule, 3);
  ASSERT_TRUE(schedule.Await(ticket, Now(), summary));
  EXPECT_EQ(3u, summary["Fetched"].asUInt());
}

TEST(PollingSchedule, APollInProgressDoesNotAnswerARequestMadeDuringIt)
{
  // It may have listed the mailbox before the mail that made someone ask.
  PollSchedule schedule(kHour);
  schedule.BeginPoll();
  const uint64_t ticket = schedule.Request();
  schedule.EndPoll(Summary(1));
  Json::Value summary;
  EXPECT_FALSE(schedule.Await(ticket, Now(), summary));
  PollWhenAsked(schedule, 2);   // asked during the poll: the next one starts at once
  ASSERT_TRUE(schedule.Await(ticket, Now(), summary));
  EXPECT_EQ(2u, summary["Fetched"].asUInt());
}

TEST(PollingSchedule, ARequestWakesAWorkerInTheMiddleOfItsInterval)
{
  PollSchedule schedule(kHour);
  schedule.BeginPoll();
  schedule.EndPoll(Summary(0));
  std::future<bool> waiting = std::async(std::launch::async, [&] { return schedule.WaitForNextPoll(); });
  schedule.Request();
  ASSERT_EQ(std::future_status::ready, waiting.wait_for(kHangGuard));
  EXPECT_TRUE(waiting.get());
}

TEST(PollingSchedule, StopEndsTheWorkersWaitAndEveryAwait)
{
  PollSchedule schedule(kHour);
  const uint64_t ticket = schedule.Request();
  schedule.BeginPoll();   // the request came before: this poll would answer it, but never ends
  std::future<bool> awaiting = std::async(std::launch::async, [&] {
    Json::Value summary;
    return schedule.Await(ticket, Now() + kHour, summary);
  });
  schedule.Stop();
  ASSERT_EQ(std::future_status::ready, awaiting.wait_for(kHangGuard));
  EXPECT_FALSE(awaiting.get());
  EXPECT_FALSE(schedule.WaitForNextPoll());
}

TEST(PollingSchedule, AMailboxBusyWithALongPollHoldsUpNoOther)
{
  // What POST /dicom-mail/fetch does: ask every mailbox, then wait for each.
  PollSchedule busy(kHour);
  PollSchedule idle(kHour);
  busy.BeginPoll();   // a large transfer: this poll does not end during the test
  const uint64_t busyTicket = busy.Request();
  const uint64_t idleTicket = idle.Request();
  std::future<void> idleWorker = std::async(std::launch::async, [&] {
    if (idle.WaitForNextPoll())
    {
      idle.BeginPoll();
      idle.EndPoll(Summary(1));
    }
  });
  Json::Value summary;
  ASSERT_TRUE(idle.Await(idleTicket, Now() + kHangGuard, summary));
  EXPECT_EQ(1u, summary["Fetched"].asUInt());
  EXPECT_FALSE(busy.Await(busyTicket, Now(), summary));   // still in its poll: answers for itself
  idleWorker.get();
}
