// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/ImageQualityReceipt.h"

#include "Core/Store/ImageQualityConfirmationStore.h"
#include "Core/Store/OutboxStore.h"

namespace DicomMail
{
  namespace ImageQualityReceipt
  {
    bool Record(Database& db, const std::string& partner, const std::string& signerFingerprint,
                const ImageQualityConfirmation& confirmation, int64_t nowMs, std::string& problem)
    {
      // Any QA transfer of ours counts (a daily test or a monthly
      // measurement): the outbox marks both; a clinical one never does.
      OutboxTransfer test;
      std::vector<OutboxMail> mails;
      if (!OutboxStore(db).GetTransfer(confirmation.testSetId, test, mails) || !test.qaTest ||
          test.partner != partner)
      {
        problem = "an image-quality confirmation for " + confirmation.testSetId +
                  ", which is no QA test sent to partner " + partner;
        return false;
      }
      ReportedImageQualityConfirmation record;
      record.setId = confirmation.testSetId;
      record.partner = partner;
      record.signerFingerprint = signerFingerprint;
      record.confirmedBy = confirmation.confirmedBy;
      record.confirmedMs = confirmation.confirmedAtMs;
      record.receivedMs = nowMs;
      ImageQualityConfirmationStore(db).AddReported(record);   // a repeat leaves the first
      return true;
    }
  }
}
