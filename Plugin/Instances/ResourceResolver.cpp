// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Instances/ResourceResolver.h"

#include "Core/Common/Error.h"
#include "Plugin/OrthancApi.h"

#include <algorithm>
#include <map>
#include <set>

namespace DicomMail
{
  namespace
  {
    bool IsOrthancId(const std::string& id)
    {
      // Orthanc ids are SHA-1 in groups: 8-8-8-8-8 hex digits.
      if (id.size() != 44)
      {
        return false;
      }
      for (size_t i = 0; i < id.size(); i++)
      {
        const bool dash = (i % 9 == 8);
        if (dash ? id[i] != '-' : !isxdigit(static_cast<unsigned char>(id[i])))
        {
          return false;
        }
      }
      return true;
    }

    std::string StudyUidOf(const std::string& studyId, std::map<std::string, std::string>& cache)
    {
      auto found = cache.find(studyId);
      if (found != cache.end())
      {
        return found->second;
      }
      const Json::Value study = OrthancApi::GetJson("/studies/" + studyId);
      const std::string uid = study["MainDicomTags"]["StudyInstanceUID"].asString();
      cache[studyId] = uid;
      return uid;
    }
  }

  std::vector<ResolvedInstance> ResourceResolver::Resolve(const std::vector<std::string>& ids)
  {
    if (ids.empty())
    {
      throw Error(ErrorKind::BadInput, "\"Resources\" is empty: name at least one patient, study, series or instance");
    }

    std::vector<std::string> instanceIds;
    for (const std::string& id : ids)
    {
      if (!IsOrthancId(id))
      {
        throw Error(ErrorKind::BadInput, "\"" + id + "\" is not an Orthanc resource id");
      }
      Json::Value found;
      if (OrthancApi::LookupJson("/instances/" + id, found))
      {
        instanceIds.push_back(id);
        continue;
      }
      bool resolved = false;
      for (const char* level : {"studies", "series", "patients"})
      {
        Json::Value instances;
        if (OrthancApi::LookupJson(std::string("/") + level + "/" + id + "/instances", instances))
        {
          for (const Json::Value& instance : instances)
          {
            instanceIds.push_back(instance["ID"].asString());
          }
          resolved = true;
          break;
        }
      }
      if (!resolved)
      {
        throw Error(ErrorKind::NotFound, "no patient, study, series or instance with id " + id);
      }
    }

    std::set<std::string> seen;
    std::map<std::string, std::string> studyUids;
    std::map<std::string, std::string> seriesStudy;
    std::vector<ResolvedInstance> result;
    for (const std::string& id : instanceIds)
    {
      if (!seen.insert(id).second)
      {
        continue;
      }
      const Json::Value instance = OrthancApi::GetJson("/instances/" + id);
      ResolvedInstance r;
      r.orthancId = id;
      r.sopInstanceUid = instance["MainDicomTags"]["SOPInstanceUID"].asString();
      r.seriesId = instance["ParentSeries"].asString();
      r.fileSize = instance["FileSize"].asUInt64();
      const OrthancApi::RestAnswer syntax = OrthancApi::Call(OrthancPluginHttpMethod_Get,
                                                             "/instances/" + id + "/metadata/TransferSyntax");
      if (syntax.status == 200)
      {
        r.transferSyntax = syntax.body;
      }
      const std::string number = instance["MainDicomTags"].get("InstanceNumber", "0").asString();
      r.instanceNumber = atoll(number.c_str());
      auto study = seriesStudy.find(r.seriesId);
      if (study == seriesStudy.end())
      {
        const Json::Value series = OrthancApi::GetJson("/series/" + r.seriesId);
        study = seriesStudy.emplace(r.seriesId, series["ParentStudy"].asString()).first;
      }
      r.studyInstanceUid = StudyUidOf(study->second, studyUids);
      result.push_back(r);
    }

    std::stable_sort(result.begin(), result.end(), [](const ResolvedInstance& a, const ResolvedInstance& b)
    {
      if (a.studyInstanceUid != b.studyInstanceUid) return a.studyInstanceUid < b.studyInstanceUid;
      if (a.seriesId != b.seriesId) return a.seriesId < b.seriesId;
      if (a.instanceNumber != b.instanceNumber) return a.instanceNumber < b.instanceNumber;
      return a.orthancId < b.orthancId;
    });
    return result;
  }
}
