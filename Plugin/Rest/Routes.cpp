// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Rest/Routes.h"

namespace DicomMail
{
  void RegisterRoutes()
  {
    RegisterStatusRoutes();
    RegisterKeyBundleRoutes();
    RegisterKeyRoutes();
    RegisterAuthorityRoutes();
    RegisterSiteKeyRoutes();
    RegisterPartnerRoutes();
    RegisterSendRoutes();
    RegisterInboxRoutes();
    RegisterForwardRoutes();
    RegisterPseudonymRoutes();
    RegisterWebRoutes();
    RegisterQaRoutes();
    RegisterQaReportRoutes();
    RegisterQaConfirmationRoutes();
  }
}
