// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Instances/InstancePseudonymiser.h"

#include "Core/Common/Error.h"
#include "Core/Pseudonymisation/PseudonymProfile.h"
#include "Plugin/OrthancApi.h"

namespace DicomMail
{
  InstancePseudonymiser::InstancePseudonymiser(PseudonymStore& store, const std::string& partner,
                                               const std::string& setId) :
    store_(store),
    partner_(partner),
    setId_(setId)
  {
  }

  InstancePseudonymiser::Result InstancePseudonymiser::Pseudonymise(const std::string& orthancId)
  {
    const Json::Value tags = OrthancApi::GetJson("/instances/" + orthancId + "/tags?simplify");
    const std::string patientId = tags["PatientID"].asString();
    auto found = byPatient_.find(patientId);
    if (found == byPatient_.end())
    {
      found = byPatient_.emplace(patientId, store_.GetOrCreate(partner_, patientId)).first;
    }
    const PseudonymRecord& pseudonym = found->second;
    const PseudonymProfile::Request request = PseudonymProfile::Make(tags, pseudonym.pseudonym, pseudonym.secret);

    const std::string body = OrthancApi::WriteJson(request.body, false);
    OrthancApi::RestAnswer answer = OrthancApi::Call(OrthancPluginHttpMethod_Post,
                                                     "/instances/" + orthancId + "/anonymize",
                                                     body.data(), body.size());
    if (answer.status != 200 || answer.body.empty())
    {
      // No detail from the answer: it may quote the instance's tags.
      throw Error(ErrorKind::Internal, "cannot pseudonymise instance " + orthancId + ": Orthanc answered HTTP " +
                  std::to_string(answer.status));
    }
    const std::string originalStudy = tags["StudyInstanceUID"].asString();
    if (studiesRecorded_.insert(originalStudy).second)
    {
      PseudonymStudy study;
      study.originalStudyUid = originalStudy;
      study.studyUid = request.studyInstanceUid;
      study.setId = setId_;
      store_.RecordStudy(pseudonym.pseudonym, study);
    }
    Result result;
    result.file = std::move(answer.body);
    result.sopInstanceUid = request.sopInstanceUid;
    result.mayHaveBurnedInText = request.mayHaveBurnedInText;
    return result;
  }
}
