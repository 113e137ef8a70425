// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Routing/RoutingQueue.h"

#include <gtest/gtest.h>

#include <thread>

using namespace DicomMail;

namespace
{
  RoutingEvent Event(RoutingLevel level, const std::string& id)
  {
    RoutingEvent event;
    event.level = level;
    event.resourceId = id;
    return event;
  }
}

TEST(RoutingQueue, FifoWithoutDuplicatesOfWaitingResources)
{
  RoutingQueue queue(10);
  EXPECT_TRUE(queue.Push(Event(RoutingLevel::Study, "a")));
  EXPECT_TRUE(queue.Push(Event(RoutingLevel::Series, "b")));
  EXPECT_TRUE(queue.Push(Event(RoutingLevel::Study, "a")));   // already waiting
  EXPECT_TRUE(queue.Push(Event(RoutingLevel::Series, "a")));  // other level: another event
  EXPECT_EQ(3u, queue.GetSize());

  RoutingEvent e;
  ASSERT_TRUE(queue.Pop(e, std::chrono::milliseconds(0)));
  EXPECT_EQ("a", e.resourceId);
  EXPECT_EQ(RoutingLevel::Study, e.level);
  EXPECT_TRUE(queue.Push(Event(RoutingLevel::Study, "a")));   // taken out: may come again
  ASSERT_TRUE(queue.Pop(e, std::chrono::milliseconds(0)));
  EXPECT_EQ("b", e.resourceId);
  ASSERT_TRUE(queue.Pop(e, std::chrono::milliseconds(0)));
  EXPECT_EQ(RoutingLevel::Series, e.level);
  ASSERT_TRUE(queue.Pop(e, std::chrono::milliseconds(0)));
  EXPECT_EQ(RoutingLevel::Study, e.level);
  EXPECT_FALSE(queue.Pop(e, std::chrono::milliseconds(10)));
}

TEST(RoutingQueue, FullQueueRefusesAndCounts)
{
  RoutingQueue queue(2);
  EXPECT_TRUE(queue.Push(Event(RoutingLevel::Study, "1")));
  EXPECT_TRUE(queue.Push(Event(RoutingLevel::Study, "2")));
  EXPECT_FALSE(queue.Push(Event(RoutingLevel::Study, "3")));
  EXPECT_EQ(1u, queue.GetDropped());
  EXPECT_EQ(2u, queue.GetSize());
}

TEST(RoutingQueue, CloseWakesAWaitingConsumerAndRefusesPushes)
{
  RoutingQueue queue(4);
  bool popped = true;
  const auto start = std::chrono::steady_clock::now();
  std::thread consumer([&] {
    RoutingEvent e;
    popped = queue.Pop(e, std::chrono::seconds(30));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  queue.Close();
  consumer.join();
  EXPECT_FALSE(popped);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_FALSE(queue.Push(Event(RoutingLevel::Study, "x")));
  queue.Reopen();
  EXPECT_TRUE(queue.Push(Event(RoutingLevel::Study, "x")));
}

TEST(RoutingQueue, PushWakesAWaitingConsumer)
{
  RoutingQueue queue(4);
  std::string got;
  std::thread consumer([&] {
    RoutingEvent e;
    if (queue.Pop(e, std::chrono::seconds(30)))
    {
      got = e.resourceId;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  queue.Push(Event(RoutingLevel::Series, "s"));
  consumer.join();
  EXPECT_EQ("s", got);
}
