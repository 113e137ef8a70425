// SPDX-License-Identifier: GPL-3.0-or-later
// /dicom-mail/qa/received-tests/{id}/image-quality: the radiologist's
// image-quality confirmation of a received QA test (DIN 6868-159, #17), and
// what both sides answer about it in their QA lists.

#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"
#include "Core/Store/ImageQualityConfirmationStore.h"
#include "Core/Store/UtcMillis.h"
#include "Plugin/PluginContext.h"
#include "Plugin/QualityAssurance/ImageQualityReports.h"

namespace DicomMail
{
  namespace
  {
    Json::Value MsOrNull(int64_t ms)
    {
      return ms == 0 ? Json::Value() : Json::Value(UtcMillis::Format(ms));
    }

    ImageQualityConfirmationStore Store()
    {
      return ImageQualityConfirmationStore(PluginContext::Get().GetInbox().GetDatabase());
    }

    Json::Value ToJson(const GivenImageQualityConfirmation& c)
    {
      Json::Value v;
      v["SetId"] = c.setId;
      v["Partner"] = c.partner;
      v["ConfirmedBy"] = c.confirmedBy;
      v["ConfirmedAt"] = MsOrNull(c.confirmedMs);
      v["Reported"] = MsOrNull(c.reportedMs);
      v["ReportError"] = c.reportError.empty() ? Json::Value() : Json::Value(c.reportError);
      return v;
    }

    // GET: the confirmation (404 while there is none); POST {"ConfirmedBy"}:
    // confirms and reports it, or reports it again while it is not reported.
    void ImageQuality(RestCall& call)
    {
      const std::string setId = call.GetGroup(0);
      switch (call.GetMethod())
      {
        case OrthancPluginHttpMethod_Get:
        {
          GivenImageQualityConfirmation given;
          if (!Store().GetGiven(setId, given))
          {
            throw Error(ErrorKind::NotFound, "the QA test " + setId + " has no image-quality confirmation");
          }
          call.AnswerJson(ToJson(given));
          break;
        }

        case OrthancPluginHttpMethod_Post:
        {
          const Json::Value body = call.GetJsonBody();
          if (!body.isObject() || !body["ConfirmedBy"].isString())
          {
            throw Error(ErrorKind::BadInput, "expected {\"ConfirmedBy\": \"<the radiologist's name>\"}");
          }
          call.AnswerJson(ToJson(ImageQualityReports::Confirm(setId, body["ConfirmedBy"].asString())));
          break;
        }

        default:
          call.AnswerMethodNotAllowed("GET,POST");
      }
    }
  }

  void AddGivenImageQuality(const std::string& setId, bool kept, Json::Value& receivedTest)
  {
    // The test images to look at: only a kept test has them in Orthanc (a
    // discarded one was checked byte for byte and is gone).
    receivedTest["Studies"] = Json::arrayValue;
    for (const std::string& study : kept ? PluginContext::Get().GetInbox().ListStudies(setId) :
           std::vector<std::string>())
    {
      receivedTest["Studies"].append(study);
    }
    GivenImageQualityConfirmation given;
    const bool found = Store().GetGiven(setId, given);
    receivedTest["ImageQualityConfirmedBy"] = found ? Json::Value(given.confirmedBy) : Json::Value();
    receivedTest["ImageQualityConfirmedAt"] = found ? MsOrNull(given.confirmedMs) : Json::Value();
    receivedTest["ImageQualityReported"] = found ? MsOrNull(given.reportedMs) : Json::Value();
  }

  void AddReportedImageQuality(const std::string& setId, Json::Value& dailyTest)
  {
    ReportedImageQualityConfirmation reported;
    const bool found = Store().GetReported(setId, reported);
    dailyTest["ImageQualityConfirmedBy"] = found ? Json::Value(reported.confirmedBy) : Json::Value();
    // The receiver's clock; ours when its mail arrived.
    dailyTest["ImageQualityConfirmedAt"] = found ? MsOrNull(reported.confirmedMs) : Json::Value();
    dailyTest["ImageQualityReceived"] = found ? MsOrNull(reported.receivedMs) : Json::Value();
  }

  void RegisterQaConfirmationRoutes()
  {
    RegisterRoute<ImageQuality>("/dicom-mail/qa/received-tests/([^/]+)/image-quality");
  }
}
