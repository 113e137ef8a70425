// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/MonthlyMeasurementStore.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // The sender's side of the monthly measurement (DIN 6868-159, #17):
  // transfer time, speed and completeness of the test data set, from the
  // start of the send to the receiver's completion in its signed MDN.
  namespace MonthlyMeasurements
  {
    // Sends the test data set marked "monthly-measurement" and records it
    // for "month" ("YYYY-MM"). Throws as TestTransfer::Submit.
    MonthlyMeasurement Start(const std::string& partner, const std::string& trigger, const std::string& month);

    // The transfer's state changed: a running measurement completes once
    // every mail is acknowledged, fails when the transfer failed.
    void OnTransferChanged(const std::string& setId);

    // Running measurements past their deadline fail.
    void FailOverdue(int64_t nowMs);
  }
}
