// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // The receiver's record: a radiologist confirmed the image quality of a
  // received QA test; reportedMs once the signed mail back left (0: not yet,
  // reportError says why).
  struct GivenImageQualityConfirmation
  {
    std::string setId;
    std::string partner;
    std::string confirmedBy;
    int64_t confirmedMs = 0;
    int64_t reportedMs = 0;
    std::string reportError;
    unsigned int attempts = 0;     // sends tried
    int64_t nextAttemptMs = 0;     // not reported: when the worker tries again
  };

  // The sender's record: the partner reported that confirmation for a test
  // we sent, in a mail signed by "signerFingerprint".
  struct ReportedImageQualityConfirmation
  {
    std::string setId;
    std::string partner;
    std::string signerFingerprint;
    std::string confirmedBy;
    int64_t confirmedMs = 0;   // the receiver's clock
    int64_t receivedMs = 0;    // ours
  };

  // Image-quality confirmations of QA test transfers (DIN 6868-159, #17),
  // both sides. The first confirmation of a test stands: a second one is
  // not recorded.
  class ImageQualityConfirmationStore
  {
  public:
    explicit ImageQualityConfirmationStore(Database& db);

    // False when the test already has one (left as it was).
    bool AddGiven(const GivenImageQualityConfirmation& confirmation);
    bool GetGiven(const std::string& setId, GivenImageQualityConfirmation& out);
    void MarkReported(const std::string& setId, int64_t reportedMs);
    // Counts the attempt; the worker tries again from "nextAttemptMs".
    void MarkReportFailed(const std::string& setId, const std::string& error, int64_t nextAttemptMs);
    // Not reported, due by "nowMs", fewer than "maxAttempts" sends tried.
    std::vector<GivenImageQualityConfirmation> ListDue(int64_t nowMs, unsigned int maxAttempts, unsigned int limit);

    bool AddReported(const ReportedImageQualityConfirmation& confirmation);
    bool GetReported(const std::string& setId, ReportedImageQualityConfirmation& out);

  private:
    Database& db_;
  };
}
