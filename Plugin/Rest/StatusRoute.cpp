// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Rest/Routes.h"

#include "Core/Crypto/GpgmeLibrary.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Rest/KeyJson.h"

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
      status["Gpgme"] = GpgmeLibrary::GetGpgmeVersion();
      status["Gpg"] = GpgmeLibrary::GetGpgEngineVersion();

      // Keys that expire soon, so the admin renews them before sending stops.
      status["ExpiringKeys"] = Json::arrayValue;
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      for (const KeyInfo& key : crypto->ListKeys(false))
      {
        if (KeyExpiresSoon(key, context.GetConfiguration().keyExpiryWarningDays) || key.expired || key.revoked)
        {
          status["ExpiringKeys"].append(key.fingerprint);
        }
      }
      call.AnswerJson(status);
    }
  }

  void RegisterStatusRoutes()
  {
    RegisterRoute<GetStatus>("/dicom-mail/status");
  }
}
