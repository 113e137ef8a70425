// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Rest/Routes.h"

#include "Plugin/PluginContext.h"

namespace DicomMail
{
  namespace
  {
    void GetStatus(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      PluginContext& context = PluginContext::Get();
      Json::Value status;
      status["Version"] = DICOM_MAIL_VERSION;
      status["Site"]["Address"] = context.GetConfiguration().siteAddress;
      status["Site"]["Name"] = context.GetConfiguration().siteName;
      const std::string fpr = context.GetSiteFingerprint();
      status["SiteKeyFingerprint"] = fpr.empty() ? Json::Value() : Json::Value(fpr);
      status["Accounts"] = context.GetStatusBoard().ToJson();
      call.AnswerJson(status);
    }
  }

  void RegisterStatusRoutes()
  {
    RegisterRoute<GetStatus>("/dicom-mail/status");
  }
}
