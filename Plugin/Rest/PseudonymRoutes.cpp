// SPDX-License-Identifier: GPL-3.0-or-later
// /dicom-mail/pseudonyms/{pseudonym}: who a pseudonym sent to a partner
// stands for (#19), so that a report coming back can be matched. The
// secret that derives the copies' UIDs is never answered.

#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"
#include "Plugin/PluginContext.h"

namespace DicomMail
{
  namespace
  {
    void OnePseudonym(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      PseudonymRecord record;
      std::vector<PseudonymStudy> studies;
      if (!PluginContext::Get().GetPseudonyms().Find(call.GetGroup(0), record, studies))
      {
        throw Error(ErrorKind::NotFound, "no pseudonym \"" + call.GetGroup(0) + "\"");
      }
      Json::Value v;
      v["Pseudonym"] = record.pseudonym;
      v["Partner"] = record.partner;
      v["PatientID"] = record.patientId;
      v["Created"] = record.created;
      v["Studies"] = Json::arrayValue;
      for (const PseudonymStudy& study : studies)
      {
        Json::Value s;
        s["StudyInstanceUID"] = study.originalStudyUid;
        s["PseudonymisedStudyInstanceUID"] = study.studyUid;
        s["SetId"] = study.setId;
        v["Studies"].append(s);
      }
      call.AnswerJson(v);
    }
  }

  void RegisterPseudonymRoutes()
  {
    RegisterRoute<OnePseudonym>("/dicom-mail/pseudonyms/([^/]+)");
  }
}
