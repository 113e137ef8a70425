// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Forwarding/OrthancDicomStore.h"

#include "Core/Common/Error.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/Receiving/OrthancInstanceImporter.h"

namespace DicomMail
{
  namespace OrthancDicomStore
  {
    namespace
    {
      // Orthanc's answer to a refused request: its message when it gave one.
      std::string Describe(const OrthancApi::RestAnswer& answer)
      {
        Json::Value body;
        try
        {
          body = OrthancApi::ParseJson(answer.body);
        }
        catch (const Error&)
        {
          return "HTTP " + std::to_string(answer.status) + (answer.body.empty() ? "" : ": " + answer.body);
        }
        const std::string details = body["Details"].asString();
        const std::string message = body["Message"].asString();
        return message.empty() ? "HTTP " + std::to_string(answer.status) :
          message + (details.empty() ? "" : " (" + details + ")");
      }
    }

    std::string Start(const std::string& modality, const std::vector<std::string>& instanceIds)
    {
      Json::Value request = Json::objectValue;
      request["Resources"] = Json::arrayValue;
      for (const std::string& id : instanceIds)
      {
        request["Resources"].append(id);
      }
      request["Synchronous"] = false;
      const std::string body = OrthancApi::WriteJson(request, false);
      const OrthancApi::RestAnswer answer = OrthancApi::Call(
        OrthancPluginHttpMethod_Post, "/modalities/" + modality + "/store", body.data(), body.size());
      if (answer.status != 200)
      {
        throw Error(ErrorKind::Internal, "Orthanc refused the C-STORE to modality \"" + modality + "\": " +
                    Describe(answer));
      }
      const std::string job = OrthancApi::ParseJson(answer.body)["ID"].asString();
      if (job.empty())
      {
        throw Error(ErrorKind::Internal, "Orthanc started no C-STORE job for modality \"" + modality + "\"");
      }
      return job;
    }

    JobProgress Follow(const std::string& jobId)
    {
      JobProgress progress;
      Json::Value job;
      if (!OrthancApi::LookupJson("/jobs/" + jobId, job))
      {
        progress.outcome = JobProgress::Outcome::Lost;
        progress.error = "Orthanc no longer knows its C-STORE job " + jobId;
        return progress;
      }
      const std::string state = job["State"].asString();
      if (state == "Success")
      {
        progress.outcome = JobProgress::Outcome::Succeeded;
      }
      else if (state == "Failure")
      {
        progress.outcome = JobProgress::Outcome::Failed;
        const std::string details = job["ErrorDetails"].asString();
        progress.error = "C-STORE job " + jobId + " failed: " + job["ErrorDescription"].asString() +
          (details.empty() ? "" : " (" + details + ")");
      }
      return progress;
    }

    std::vector<std::string> InstancesOfTransfer(const std::vector<std::string>& studies, const std::string& setId,
                                                 const std::set<std::string>& recorded)
    {
      const std::string setIdMetadata = "/metadata/" + std::to_string(MetadataIds::kSetId);
      std::vector<std::string> result;
      for (const std::string& study : studies)
      {
        Json::Value instances;
        if (!OrthancApi::LookupJson("/studies/" + study + "/instances", instances))
        {
          continue;   // deleted meanwhile
        }
        for (const Json::Value& instance : instances)
        {
          const std::string id = instance["ID"].asString();
          if (recorded.count(id) > 0)
          {
            result.push_back(id);
            continue;
          }
          const OrthancApi::RestAnswer answer =
            OrthancApi::Call(OrthancPluginHttpMethod_Get, "/instances/" + id + setIdMetadata);
          if (answer.status == 200 && answer.body == setId)
          {
            result.push_back(id);
          }
        }
      }
      return result;
    }

    unsigned int Delete(const std::vector<std::string>& instanceIds)
    {
      unsigned int kept = 0;
      for (const std::string& id : instanceIds)
      {
        const OrthancApi::RestAnswer answer = OrthancApi::Call(OrthancPluginHttpMethod_Delete, "/instances/" + id);
        if (answer.status != 200 && answer.status != 404)
        {
          kept++;
        }
      }
      return kept;
    }
  }
}
