// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/DailyTestStore.h"
#include "Core/Store/Database.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace DicomMail
{
  // The sender's record of one monthly measurement (DIN 6868-159): the test
  // data set sent as a transfer marked "monthly-measurement", timed from the
  // start of the send to the receiver's completion (its signed MDN).
  // Times in ms since the epoch, 0 for "not yet".
  struct MonthlyMeasurement
  {
    std::string setId;
    std::string partner;
    std::string month;                 // the site's month it counts for, "YYYY-MM"
    std::string trigger;               // "schedule" or "manual"
    std::string testData;              // "generated" or the StudyInstanceUID
    unsigned int instancesExpected = 0;
    unsigned int instancesArrived = 0; // confirmed by a clean acknowledgement: checked against the manifest's SHA-256
    uint64_t dicomBytes = 0;
    uint64_t wireBytes = 0;            // the mails as sent
    int64_t startedMs = 0;
    int64_t deadlineMs = 0;
    int64_t acknowledgedMs = 0;        // our clock
    int64_t receiverCompletedMs = 0;   // the receiver's clock
    DailyTestState state = DailyTestState::Running;
    std::string reason;

    // Start of the send to the receiver's completion, 0 while unknown.
    int64_t TransferMs() const;
    // MB (10^6 bytes) per second over TransferMs(), 0 while unknown.
    double DicomMegabytesPerSecond() const;
    double WireMegabytesPerSecond() const;
  };

  class MonthlyMeasurementStore
  {
  public:
    explicit MonthlyMeasurementStore(Database& db);

    void Add(const MonthlyMeasurement& measurement);
    bool Get(const std::string& setId, MonthlyMeasurement& out);

    // Newest first; "partner" "" for all.
    std::vector<MonthlyMeasurement> List(const std::string& partner, unsigned int limit);
    // Oldest first, those started in [fromMs, toMs).
    std::vector<MonthlyMeasurement> ListBetween(const std::string& partner, int64_t fromMs, int64_t toMs);
    std::vector<MonthlyMeasurement> ListRunning();

    // The latest month of a measurement started by the schedule, per partner.
    std::map<std::string, std::string> LastScheduledMonths();

    // Only a running measurement changes; returns whether it did.
    bool Complete(const std::string& setId, int64_t acknowledgedMs, int64_t receiverCompletedMs,
                  unsigned int instancesArrived, uint64_t wireBytes);
    bool Fail(const std::string& setId, const std::string& reason);

  private:
    Database& db_;
  };
}
