// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace DicomMail
{
  enum class DailyTestState
  {
    Running,   // sent or being sent, no acknowledgement yet
    Passed,    // every mail acknowledged as received (Displayed) in time
    Failed     // a refusal, a send failure or no acknowledgement in time
  };

  const char* ToString(DailyTestState state);
  DailyTestState ParseDailyTestState(const std::string& text);

  // The alert a failed test raises for the QA address. Nothing here sends
  // it: the notices module (short signed mails to people) picks up the due
  // ones and marks them sent (see README "Quality assurance").
  enum class DailyTestAlert
  {
    None,
    Due,
    Sent
  };

  // The sender's record of one daily function test (DIN 6868-159): one
  // outbox transfer marked as a test. Times in ms since the epoch, 0 for
  // "not yet".
  struct DailyTest
  {
    std::string setId;
    std::string partner;
    std::string testDay;             // the site's calendar day, "YYYY-MM-DD"
    std::string trigger;             // "schedule" or "manual"
    std::string testData;            // "generated" or the StudyInstanceUID
    unsigned int instances = 0;
    uint64_t dicomBytes = 0;
    int64_t startedMs = 0;
    int64_t deadlineMs = 0;          // not acknowledged by then: failed
    int64_t acknowledgedMs = 0;      // our clock: the last acknowledgement accepted
    int64_t receiverCompletedMs = 0; // the receiver's clock, from its signed acknowledgement
    DailyTestState state = DailyTestState::Running;
    std::string reason;
    DailyTestAlert alert = DailyTestAlert::None;
  };

  class DailyTestStore
  {
  public:
    explicit DailyTestStore(Database& db);

    void Add(const DailyTest& test);

    bool Get(const std::string& setId, DailyTest& out);

    // Newest first; "partner" "" for all.
    std::vector<DailyTest> List(const std::string& partner, unsigned int limit);

    std::vector<DailyTest> ListRunning();

    // The latest site day of a test started by the schedule, per partner.
    std::map<std::string, std::string> LastScheduledDays();

    // Only a running test changes: a late acknowledgement never turns a
    // failure into a pass. Returns whether it changed.
    bool Pass(const std::string& setId, int64_t acknowledgedMs, int64_t receiverCompletedMs);
    bool Fail(const std::string& setId, const std::string& reason, bool raiseAlert);

    std::vector<DailyTest> ListAlertsDue();
    void MarkAlertSent(const std::string& setId);

  private:
    Database& db_;
  };
}
