// SPDX-License-Identifier: GPL-3.0-or-later
// /dicom-mail/site-key/rotate and /rotations: replacing the site key
// without a gap (#22).

#include "Plugin/Rest/Routes.h"

#include "Core/Store/UtcMillis.h"
#include "Plugin/Keys/SiteKeyRotation.h"
#include "Plugin/PluginContext.h"

namespace DicomMail
{
  namespace
  {
    Json::Value ToJson(const KeyRotation& rotation)
    {
      Json::Value v;
      v["PreviousFingerprint"] = rotation.oldFingerprint;
      v["Fingerprint"] = rotation.newFingerprint;
      v["RotatedAt"] = UtcMillis::Format(rotation.rotatedMs);
      v["PreviousKeyUntil"] = UtcMillis::Format(rotation.untilMs);
      v["Retired"] = rotation.retiredMs != 0;
      v["RetiredAt"] = rotation.retiredMs != 0 ? Json::Value(UtcMillis::Format(rotation.retiredMs)) : Json::Value();
      return v;
    }

    void Rotate(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      const SiteKeyRotation::Outcome outcome = SiteKeyRotation::Rotate();
      Json::Value result;
      result["PreviousFingerprint"] = outcome.previousFingerprint;
      result["Fingerprint"] = outcome.fingerprint;
      result["PreviousKeyUntil"] = UtcMillis::Format(outcome.previousUntilMs);
      result["Announced"] = Json::arrayValue;
      for (const std::string& partner : outcome.announced)
      {
        result["Announced"].append(partner);
      }
      result["NotAnnounced"] = Json::arrayValue;
      for (const auto& missed : outcome.notAnnounced)
      {
        Json::Value entry;
        entry["Partner"] = missed.first;
        entry["Reason"] = missed.second;
        result["NotAnnounced"].append(entry);
      }
      result["Problems"] = Json::arrayValue;
      for (const std::string& problem : outcome.problems)
      {
        result["Problems"].append(problem);
      }
      call.AnswerJson(result);
    }

    void ListRotations(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      Json::Value result = Json::arrayValue;
      for (const KeyRotation& rotation : PluginContext::Get().GetKeyRotations().List(KeyRotationStore::kSite))
      {
        result.append(ToJson(rotation));
      }
      call.AnswerJson(result);
    }
  }

  void RegisterSiteKeyRoutes()
  {
    RegisterRoute<Rotate>("/dicom-mail/site-key/rotate");
    RegisterRoute<ListRotations>("/dicom-mail/site-key/rotations");
  }
}
