// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/value.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace DicomMail
{
  // When one mailbox's worker polls: PollInterval after its last poll ended,
  // or at once when someone asks (POST /dicom-mail/fetch), and who waits for
  // which poll. Each mailbox has its own, on its own thread, so a mailbox
  // busy with a long transfer delays no other's polls (#25); whoever wants
  // every mailbox polled asks them all first and only then waits for each.
  class PollSchedule
  {
  public:
    using Clock = std::chrono::steady_clock;

    explicit PollSchedule(std::chrono::seconds interval);
    PollSchedule(const PollSchedule&) = delete;
    PollSchedule& operator=(const PollSchedule&) = delete;

    // For the worker: around each poll, "summary" what it found.
    void BeginPoll();
    void EndPoll(const Json::Value& summary);

    // For the worker, after EndPoll(): sleeps until the interval is over or
    // a poll was asked for. False when stopped.
    bool WaitForNextPoll();

    // Ends the worker's wait and every Await().
    void Stop();

    // Asks for a poll that starts after this call and wakes the worker;
    // returns the ticket to Await(). A poll in progress does not count: it
    // may have listed the mailbox before the mail that made someone ask.
    uint64_t Request();

    // Waits for the poll of "ticket" until "deadline"; true with its
    // summary once it ended, false at the deadline or when stopped.
    bool Await(uint64_t ticket, Clock::time_point deadline, Json::Value& summary);

  private:
    const std::chrono::seconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;     // the worker's
    std::condition_variable polled_;   // those in Await()
    bool stop_ = false;
    bool requested_ = false;
    bool polling_ = false;
    uint64_t pollsDone_ = 0;
    Json::Value lastSummary_;
  };
}
