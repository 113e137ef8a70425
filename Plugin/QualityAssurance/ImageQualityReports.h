// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/ImageQualityConfirmationStore.h"

#include <string>

namespace DicomMail
{
  // The receiver's side of the image-quality confirmation (DIN 6868-159,
  // #17): a radiologist looked at a received QA test and confirmed it; the
  // confirmation is recorded and reported to the sender in a signed and
  // encrypted mail (docs/wire-format.md §3).
  namespace ImageQualityReports
  {
    // Records the confirmation of received test "setId" by "confirmedBy"
    // (the first one stands) and, while it is not yet reported, sends the
    // mail back; a failed send is recorded (ReportError), retried by
    // ReportDue() and sent again by a repeated call. Throws Error(NotFound) when "setId" is no received
    // QA test, Error(BadInput) for a bad name or a test not yet checked.
    GivenImageQualityConfirmation Confirm(const std::string& setId, const std::string& confirmedBy);

    // Sends the reports that failed before and are due again (QaWorker);
    // after 20 failed sends a report waits for the button.
    void ReportDue();
  }
}
