// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/ImageQualityReceipt.h"

#include "Core/Store/DailyTestStore.h"
#include "Core/Store/ImageQualityConfirmationStore.h"

namespace DicomMail
{
  namespace ImageQualityReceipt
  {
    bool Record(SqliteDatabase& db, const std::string& partner, const std::string& signerFingerprint,
                const ImageQualityConfirmation& confirmation, int64_t nowMs, std::string& problem)
    {
      DailyTest test;
      if (!DailyTestStore(db).Get(confirmation.testSetId, test) || test.partner != partner)
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
