// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/WakeableThread.h"

#include <atomic>
#include <future>
#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  // Long enough that a test which waits it out fails by ctest's timeout.
  const std::chrono::hours kForever(1);
}

TEST(CommonWakeableThread, WakeEndsASleepAndTheBodyGoesOn)
{
  WakeableThread thread;
  std::atomic<int> passes(0);
  std::promise<void> firstPass;
  thread.Start([&] {
    for (;;)
    {
      if (++passes == 1)
      {
        firstPass.set_value();
      }
      if (thread.Sleep(kForever))
      {
        return;
      }
    }
  });
  firstPass.get_future().wait();
  while (passes < 3)
  {
    thread.Wake();
    std::this_thread::yield();
  }
  thread.Stop();
  EXPECT_GE(passes.load(), 3);
  EXPECT_TRUE(thread.IsStopping());
}

TEST(CommonWakeableThread, StopEndsASleepThatIgnoresWakesAndJoins)
{
  WakeableThread thread;
  std::atomic<bool> ended(false);
  std::atomic<bool> sleeping(false);
  std::atomic<bool> result(false);
  thread.Start([&] {
    sleeping = true;
    result = thread.Sleep(kForever, false);
    ended = true;
  });
  while (!sleeping)
  {
    std::this_thread::yield();
  }
  thread.Wake();   // ignored by this sleep
  thread.Stop();   // returns only once the body has ended
  EXPECT_TRUE(ended.load());
  EXPECT_TRUE(result.load());
}

TEST(CommonWakeableThread, AWakeBeforeTheSleepIsUsedUpOnceAndRestartWorks)
{
  WakeableThread thread;
  thread.Wake();
  std::atomic<int> sleeps(0);
  thread.Start([&] {
    EXPECT_FALSE(thread.Sleep(kForever));   // the earlier wake
    sleeps++;
    EXPECT_TRUE(thread.Sleep(kForever));    // only Stop() ends this one
    sleeps++;
  });
  while (sleeps < 1)
  {
    std::this_thread::yield();
  }
  thread.Stop();
  EXPECT_EQ(2, sleeps.load());

  // Started again after a stop, it is not stopping until told again.
  std::promise<bool> stoppingAtRestart;
  thread.Start([&] { stoppingAtRestart.set_value(thread.IsStopping()); });
  EXPECT_FALSE(stoppingAtRestart.get_future().get());
  thread.Stop();
}
