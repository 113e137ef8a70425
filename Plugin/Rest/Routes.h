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
  void RegisterPartnerRoutes();
  void RegisterSendRoutes();
  void RegisterInboxRoutes();
  void RegisterForwardRoutes();
  void RegisterPseudonymRoutes();
  void RegisterWebRoutes();
  void RegisterQaRoutes();

  // The "QualityAssurance" part of GET /dicom-mail/status (QaRoutes.cpp).
  Json::Value QaStatus();

  // All of the above.
  void RegisterRoutes();
}
