// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/QaSchedule.h"
#include "Core/Store/OutboxStore.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // A QA test transfer (#17) as submitted: what the daily test and the
  // monthly measurement record of it.
  struct SubmittedTestTransfer
  {
    QaSchedule schedule;
    std::string setId;
    unsigned int instances = 0;
    uint64_t dicomBytes = 0;
    int64_t startedMs = 0;     // taken just before the transfer was submitted
    int64_t deadlineMs = 0;    // startedMs + the schedule's AcknowledgementTimeout
  };

  // Sending the partner's test data set, for the daily function test and
  // for the monthly measurement alike.
  namespace TestTransfer
  {
    // Throws as SubmitTransfer does, and Error(NotFound) when the partner has
    // no schedule or its test study is not in Orthanc. "monthly" marks the
    // transfer as a monthly measurement, else as a daily function test.
    SubmittedTestTransfer Submit(const std::string& partner, const std::string& trigger, bool monthly);

    // The outbox's record of a test transfer; false when it has none.
    bool Read(const std::string& setId, OutboxTransfer& transfer, std::vector<OutboxMail>& mails);
  }
}
