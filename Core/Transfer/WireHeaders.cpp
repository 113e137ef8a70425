// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/WireHeaders.h"

namespace DicomMail
{
  namespace WireHeaders
  {
    const char* const kSetId = "X-TELEMEDICINE-SETID";
    const char* const kSetPart = "X-TELEMEDICINE-SETPART";
    const char* const kSetTotal = "X-TELEMEDICINE-SETTOTAL";
    const char* const kStudyId = "X-TELEMEDICINE-STUDYID";
    const char* const kManifest = "X-DICOMMAIL-MANIFEST";
    const char* const kDispositionNotificationTo = "Disposition-Notification-To";
    const char* const kQaTest = "X-DICOMMAIL-QA-TEST";
    const char* const kQaTestDaily = "daily-function-test";
    const char* const kQaTestMonthly = "monthly-measurement";
    const char* const kQaConfirmation = "X-DICOMMAIL-QA-CONFIRMATION";
    const char* const kQaConfirmedBy = "X-DICOMMAIL-QA-CONFIRMED-BY";
    const char* const kQaConfirmedAt = "X-DICOMMAIL-QA-CONFIRMED-AT";

    void AddSetHeaders(MimeHeaders& headers, const std::string& setId, unsigned int part, unsigned int total)
    {
      headers.Add(kSetId, setId);
      headers.Add(kSetPart, std::to_string(part));
      headers.Add(kSetTotal, std::to_string(total));
    }
  }
}
