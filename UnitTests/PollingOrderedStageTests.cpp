// SPDX-License-Identifier: GPL-3.0-or-later
// OrderedStage (#15): pieces come back in the order they were started, at
// most "width" are held, and no two pieces in flight share a lane.
#include "Core/Polling/OrderedStage.h"

#include <chrono>
#include <condition_variable>
#include <gtest/gtest.h>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace DicomMail;

namespace
{
  struct Piece
  {
    int number = 0;
    size_t lane = 0;
    bool done = false;
  };

  // Holds each piece until the test lets it go; the guard of a minute only
  // ends a hang.
  class Gate
  {
  public:
    void Pass(int number)
    {
      std::unique_lock<std::mutex> lock(mutex_);
      running_.insert(number);
      changed_.notify_all();
      changed_.wait_for(lock, std::chrono::minutes(1), [&] { return open_.count(number) != 0; });
      running_.erase(number);
    }

    void Open(int number)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      open_.insert(number);
      changed_.notify_all();
    }

    // Waits until "count" pieces are inside Pass() at once.
    bool WaitRunning(size_t count)
    {
      std::unique_lock<std::mutex> lock(mutex_);
      return changed_.wait_for(lock, std::chrono::minutes(1), [&] { return running_.size() >= count; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::set<int> running_;
    std::set<int> open_;
  };

  std::unique_ptr<Piece> NewPiece(int number, size_t lane)
  {
    std::unique_ptr<Piece> piece(new Piece);
    piece->number = number;
    piece->lane = lane;
    return piece;
  }
}

TEST(PollingOrderedStage, PiecesComeBackInTheirOrderWhicheverFinishesFirst)
{
  Gate gate;
  OrderedStage<Piece> stage(2);
  auto work = [&gate](Piece& p) {
    gate.Pass(p.number);
    p.done = true;
  };
  stage.Start(NewPiece(1, stage.NextLane()), work);
  stage.Start(NewPiece(2, stage.NextLane()), work);
  ASSERT_TRUE(gate.WaitRunning(2)) << "the two pieces did not run at once";
  EXPECT_TRUE(stage.IsFull());
  gate.Open(2);   // the second finishes first

  std::string error;
  gate.Open(1);
  std::unique_ptr<Piece> first = stage.TakeOldest(error);
  ASSERT_TRUE(first);
  EXPECT_EQ(1, first->number);
  EXPECT_TRUE(first->done);
  EXPECT_EQ("", error);
  std::unique_ptr<Piece> second = stage.TakeOldest(error);
  ASSERT_TRUE(second);
  EXPECT_EQ(2, second->number);
  EXPECT_TRUE(second->done);
  EXPECT_TRUE(stage.IsEmpty());
  EXPECT_FALSE(stage.TakeOldest(error));
}

TEST(PollingOrderedStage, HoldsAtMostItsWidthAndNoTwoPiecesShareALane)
{
  Gate gate;
  OrderedStage<Piece> stage(3);
  std::set<size_t> lanesInFlight;
  auto work = [&gate](Piece& p) { gate.Pass(p.number); };
  std::vector<std::unique_ptr<Piece> > back;
  for (int n = 1; n <= 10; n++)
  {
    if (stage.IsFull())
    {
      std::string error;
      gate.Open(static_cast<int>(back.size()) + 1);
      back.push_back(stage.TakeOldest(error));
      lanesInFlight.erase(back.back()->lane);
    }
    ASSERT_FALSE(stage.IsFull()) << "piece " << n;
    const size_t lane = stage.NextLane();
    ASSERT_LT(lane, 3u);
    EXPECT_TRUE(lanesInFlight.insert(lane).second) << "piece " << n << " got lane " << lane << ", still in use";
    stage.Start(NewPiece(n, lane), work);
  }
  EXPECT_THROW(stage.Start(NewPiece(11, 0), work), std::logic_error) << "a full stage took one more piece";
  for (int n = 1; n <= 10; n++)
  {
    gate.Open(n);
  }
  while (!stage.IsEmpty())
  {
    std::string error;
    back.push_back(stage.TakeOldest(error));
  }
  ASSERT_EQ(10u, back.size());
  for (int n = 1; n <= 10; n++)
  {
    EXPECT_EQ(n, back[n - 1]->number);
  }
}

TEST(PollingOrderedStage, WhatAPieceThrowsComesBackWithIt)
{
  OrderedStage<Piece> stage(2);
  stage.Start(NewPiece(1, 0), [](Piece&) { throw std::runtime_error("disk on fire"); });
  stage.Start(NewPiece(2, 1), [](Piece& p) { p.done = true; });
  std::string error;
  std::unique_ptr<Piece> first = stage.TakeOldest(error);
  ASSERT_TRUE(first);
  EXPECT_EQ("disk on fire", error);
  std::unique_ptr<Piece> second = stage.TakeOldest(error);
  EXPECT_EQ("", error);
  EXPECT_TRUE(second->done);
}

TEST(PollingOrderedStage, WidthZeroMeansOne)
{
  OrderedStage<Piece> stage(0);
  EXPECT_EQ(1u, stage.GetWidth());
  stage.Start(NewPiece(1, stage.NextLane()), [](Piece&) {});
  EXPECT_TRUE(stage.IsFull());
  EXPECT_EQ(0u, stage.NextLane());
}

// #15: the caller may take the oldest piece as soon as it finished, without
// waiting; a younger piece that finished first does not count.
TEST(PollingOrderedStage, TellsWhetherTheOldestPieceFinished)
{
  Gate gate;
  OrderedStage<Piece> stage(2);
  EXPECT_FALSE(stage.IsOldestDone()) << "an empty stage has no finished piece";
  auto work = [&gate](Piece& p) { gate.Pass(p.number); };
  stage.Start(NewPiece(1, stage.NextLane()), work);
  stage.Start(NewPiece(2, stage.NextLane()), work);
  ASSERT_TRUE(gate.WaitRunning(2));
  gate.Open(2);
  ASSERT_TRUE(gate.WaitRunning(1));
  EXPECT_FALSE(stage.IsOldestDone()) << "the oldest piece is still running";
  gate.Open(1);
  const auto guard = std::chrono::steady_clock::now() + std::chrono::minutes(1);   // only ends a hang
  while (!stage.IsOldestDone() && std::chrono::steady_clock::now() < guard)
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(stage.IsOldestDone());
  std::string error;
  EXPECT_EQ(1, stage.TakeOldest(error)->number);
}
