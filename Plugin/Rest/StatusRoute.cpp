// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Rest/Routes.h"

#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Store/AcknowledgementQueueStore.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Rest/ForwardJson.h"
#include "Plugin/Rest/KeyJson.h"
#include "Plugin/Workers/Workers.h"

namespace DicomMail
{
  namespace
  {
    Json::Value TextOrNull(const std::string& text)
    {
      return text.empty() ? Json::Value() : Json::Value(text);
    }

    // Acknowledgements recorded but not yet accepted by the SMTP server; one
    // that keeps failing shows here (and on the DICOM-Mail page) with why.
    Json::Value PendingAcknowledgements(const AcknowledgementQueueSummary& queue)
    {
      Json::Value v;
      v["Count"] = static_cast<Json::UInt64>(queue.pending);
      v["Failing"] = static_cast<Json::UInt64>(queue.failing);
      v["Oldest"] = TextOrNull(queue.oldestPending);
      v["NextAttempt"] = TextOrNull(queue.nextAttemptAt);
      v["LastError"] = TextOrNull(queue.lastError);
      v["LastErrorAt"] = TextOrNull(queue.lastErrorAt);
      return v;
    }

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
      // false until a mail account is configured (see Configuration::HasMailAccount).
      status["Active"] = context.GetConfiguration().HasMailAccount();
      const std::string fpr = context.GetSiteFingerprint();
      status["SiteKeyFingerprint"] = fpr.empty() ? Json::Value() : Json::Value(fpr);
      status["Accounts"] = context.GetStatusBoard().ToJson();
      status["Gpgme"] = GpgmeLibrary::GetGpgmeVersion();
      status["Gpg"] = GpgmeLibrary::GetGpgEngineVersion();
      const AcknowledgementQueueSummary acknowledgements =
        AcknowledgementQueueStore(context.GetInbox().GetDatabase()).Summarize();
      status["PendingAcknowledgements"] = PendingAcknowledgements(acknowledgements);
      status["SentAcknowledgements"] = static_cast<Json::UInt64>(acknowledgements.sent);
      status["Forwarding"] = ForwardingStatus();
      status["QualityAssurance"] = QaStatus();
      status["Cluster"] = Workers::ClusterStatus();

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
