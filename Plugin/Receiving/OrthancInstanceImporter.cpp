// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Receiving/OrthancInstanceImporter.h"

#include "Core/Common/Error.h"
#include "Core/Transfer/WireHeaders.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"

namespace DicomMail
{
  namespace
  {
    void SetMetadata(const std::string& instanceId, int id, const std::string& value)
    {
      if (value.empty())
      {
        return;
      }
      const std::string uri = "/instances/" + instanceId + "/metadata/" + std::to_string(id);
      OrthancApi::Call(OrthancPluginHttpMethod_Put, uri, value.data(), value.size());
    }
  }

  ImportOutcome OrthancInstanceImporter::Import(const void* dicom, size_t size, const ImportContext& context)
  {
    // Checked against the signed manifest (and the built-in series against
    // its fixed hashes) by DicomMailProcessor already.
    if (context.qaTest &&
        PluginContext::Get().GetConfiguration().qualityAssurance.receivedTests == ReceivedTestPolicy::Discard)
    {
      return ImportOutcome::Stored();   // checked, counted, never in the clinical archive
    }

    const OrthancApi::RestAnswer answer = OrthancApi::Call(OrthancPluginHttpMethod_Post, "/instances", dicom, size);
    if (answer.status != 200)
    {
      return ImportOutcome::Failed("Orthanc refused the instance (HTTP " + std::to_string(answer.status) + ")");
    }
    const Json::Value result = OrthancApi::ParseJson(answer.body);
    const std::string status = result["Status"].asString();
    const std::string id = result["ID"].asString();
    if (status != "Success" && status != "AlreadyStored")
    {
      return ImportOutcome::Failed("Orthanc did not store the instance: " + status);
    }
    SetMetadata(id, MetadataIds::kSetId, context.setId);
    SetMetadata(id, MetadataIds::kSignerFingerprint, context.signerFingerprint);
    SetMetadata(id, MetadataIds::kPartner, context.partnerName);
    if (context.qaTest)
    {
      SetMetadata(id, MetadataIds::kQaTest, context.qaTestKind);
    }

    // What the forwarder hands on to the PACS once the transfer is complete.
    PluginContext& plugin = PluginContext::Get();
    if (!context.setId.empty() && !plugin.GetConfiguration().forwarding.DestinationFor(context.partnerName).empty())
    {
      plugin.GetForwards().RecordInstance(context.setId, id);
    }

    const std::string studyId = result["ParentStudy"].asString();
    // For the page's link from the transfer to what arrived.
    if (!context.setId.empty() && !studyId.empty() && linkedStudies_.insert(context.setId + "/" + studyId).second)
    {
      PluginContext::Get().GetInbox().RecordStudy(context.setId, studyId);
    }

    // Remember where the study came from, so auto-routing never mails it back.
    if (!context.partnerName.empty() && recordedStudies_.insert(studyId + "/" + context.partnerName).second)
    {
      Json::Value study;
      if (OrthancApi::LookupJson("/studies/" + studyId, study))
      {
        PluginContext::Get().GetRouting().RecordReceived(study["MainDicomTags"]["StudyInstanceUID"].asString(),
                                                         context.partnerName);
      }
    }
    return status == "Success" ? ImportOutcome::Stored() : ImportOutcome::AlreadyStored();
  }
}
