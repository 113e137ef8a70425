// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/QaSchedule.h"
#include "Core/Store/DailyTestStore.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // The sender's side of the daily function test (DIN 6868-159, #17):
  // starting one, and turning the outbox's news into pass or fail.
  namespace DailyTests
  {
    // The schedules of the configuration (read-only) and those put over REST.
    std::vector<QaSchedule> ListSchedules();
    bool FindSchedule(const std::string& partner, QaSchedule& schedule);

    // Sends the partner's test data set as a transfer marked as a test and
    // records the test ("trigger": "schedule" or "manual"; "testDay": the
    // site's day it counts for). Throws as SubmitTransfer does (unknown
    // partner, unusable key), and Error(NotFound) when the partner has no
    // schedule or its test study is not in Orthanc.
    DailyTest Start(const std::string& partner, const std::string& trigger, const std::string& testDay);

    // A transfer's state changed (acknowledgement, failure): a running test
    // passes once every mail is acknowledged, fails when the transfer failed.
    void OnTransferChanged(const std::string& setId);

    // Running tests past their deadline fail, with the alert due.
    void FailOverdue(const std::vector<std::string>& setIds);
  }
}
