// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Plugin/Rest/RestRoute.h"

// One registration function per file of Plugin/Rest/, one file per resource.
namespace DicomMail
{
  void RegisterStatusRoutes();
  void RegisterKeyBundleRoutes();   // before RegisterKeyRoutes: its /keys/{id} would take "bulk"
  void RegisterKeyRoutes();
  void RegisterAuthorityRoutes();   // /authorities, /site-key/revocation-certificate (#22)
  void RegisterSiteKeyRoutes();     // /site-key/rotate, /site-key/rotations (#22)
  void RegisterPartnerRoutes();
  void RegisterSendRoutes();
  void RegisterInboxRoutes();
  void RegisterForwardRoutes();
  void RegisterPseudonymRoutes();
  void RegisterWebRoutes();
  void RegisterQaRoutes();
  void RegisterQaReportRoutes();   // QaReportRoutes.cpp: monthly, availability, report (#17)
  void RegisterQaConfirmationRoutes();   // image-quality confirmation (#17)

  // The "QualityAssurance" part of GET /dicom-mail/status (QaRoutes.cpp).
  Json::Value QaStatus();

  // The image-quality confirmation of a QA test, added to the JSON of a
  // received test (with its kept studies to look at) / of a daily test we
  // sent (QaConfirmationRoutes.cpp).
  void AddGivenImageQuality(const std::string& setId, bool kept, Json::Value& receivedTest);
  void AddReportedImageQuality(const std::string& setId, Json::Value& dailyTest);

  // All of the above.
  void RegisterRoutes();
}
