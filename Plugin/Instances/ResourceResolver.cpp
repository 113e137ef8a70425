// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Instances/ResourceResolver.h"

#include "Core/Common/Error.h"
#include "Plugin/Instances/ResourceLookup.h"
#include "Plugin/OrthancApi.h"

#include <algorithm>
#include <map>
#include <set>

namespace DicomMail
{
  namespace
  {
    // What the request selected inside one study, before expansion.
    struct StudySelection
    {
      std::string studyId;
      std::vector<std::string> wholeSeries;
      std::vector<Json::Value> singleInstances;   // Orthanc's JSON of each
    };

    class Selection
    {
    public:
      void AddPatient(const Json::Value& patient)
      {
        for (const Json::Value& studyId : patient["Studies"])
        {
          AddStudy(OrthancApi::GetJson("/studies/" + studyId.asString()));
        }
      }

      void AddStudy(const Json::Value& study)
      {
        StudySelection& selection = For(study["ID"].asString());
        for (const Json::Value& seriesId : study["Series"])
        {
          selection.wholeSeries.push_back(seriesId.asString());
        }
      }

      void AddSeries(const Json::Value& series)
      {
        For(series["ParentStudy"].asString()).wholeSeries.push_back(series["ID"].asString());
      }

      void AddInstance(const Json::Value& instance)
      {
        For(StudyOfSeries(instance["ParentSeries"].asString())).singleInstances.push_back(instance);
      }

      const std::vector<StudySelection>& GetStudies() const
      {
        return studies_;
      }

    private:
      StudySelection& For(const std::string& studyId)
      {
        auto found = index_.find(studyId);
        if (found == index_.end())
        {
          found = index_.emplace(studyId, studies_.size()).first;
          studies_.push_back(StudySelection());
          studies_.back().studyId = studyId;
        }
        return studies_[found->second];
      }

      std::string StudyOfSeries(const std::string& seriesId)
      {
        auto found = seriesStudy_.find(seriesId);
        if (found == seriesStudy_.end())
        {
          const Json::Value series = OrthancApi::GetJson("/series/" + seriesId);
          found = seriesStudy_.emplace(seriesId, series["ParentStudy"].asString()).first;
        }
        return found->second;
      }

      std::vector<StudySelection> studies_;
      std::map<std::string, size_t> index_;
      std::map<std::string, std::string> seriesStudy_;
    };

    ResolvedInstance FromOrthanc(const Json::Value& instance)
    {
      ResolvedInstance r;
      r.orthancId = instance["ID"].asString();
      r.sopInstanceUid = instance["MainDicomTags"]["SOPInstanceUID"].asString();
      r.seriesId = instance["ParentSeries"].asString();
      r.fileSize = instance["FileSize"].asUInt64();
      r.instanceNumber = atoll(instance["MainDicomTags"].get("InstanceNumber", "0").asString().c_str());
      const OrthancApi::RestAnswer syntax = OrthancApi::Call(OrthancPluginHttpMethod_Get,
                                                             "/instances/" + r.orthancId + "/metadata/TransferSyntax");
      if (syntax.status == 200)
      {
        r.transferSyntax = syntax.body;
      }
      return r;
    }

    ResolvedStudy Expand(const StudySelection& selection, std::set<std::string>& seen)
    {
      ResolvedStudy study;
      study.orthancId = selection.studyId;
      study.studyInstanceUid =
        OrthancApi::GetJson("/studies/" + selection.studyId)["MainDicomTags"]["StudyInstanceUID"].asString();

      std::set<std::string> expandedSeries;
      for (const std::string& seriesId : selection.wholeSeries)
      {
        if (!expandedSeries.insert(seriesId).second)
        {
          continue;
        }
        // One call lists every instance with its size and tags.
        for (const Json::Value& instance : OrthancApi::GetJson("/series/" + seriesId + "/instances"))
        {
          if (seen.insert(instance["ID"].asString()).second)
          {
            study.instances.push_back(FromOrthanc(instance));
          }
        }
      }
      for (const Json::Value& instance : selection.singleInstances)
      {
        if (seen.insert(instance["ID"].asString()).second)
        {
          study.instances.push_back(FromOrthanc(instance));
        }
      }

      std::stable_sort(study.instances.begin(), study.instances.end(),
                       [](const ResolvedInstance& a, const ResolvedInstance& b)
      {
        if (a.seriesId != b.seriesId) return a.seriesId < b.seriesId;
        if (a.instanceNumber != b.instanceNumber) return a.instanceNumber < b.instanceNumber;
        return a.orthancId < b.orthancId;
      });
      return study;
    }
  }

  std::vector<ResolvedStudy> ResourceResolver::Resolve(const std::vector<std::string>& ids)
  {
    if (ids.empty())
    {
      throw Error(ErrorKind::BadInput, "\"Resources\" is empty: name at least one patient, study, series or instance");
    }

    Selection selection;
    for (const std::string& id : ids)
    {
      Json::Value resource;
      switch (ResourceLookup::Find(id, resource))
      {
        case ResourceLevel::Patient:
          selection.AddPatient(resource);
          break;
        case ResourceLevel::Study:
          selection.AddStudy(resource);
          break;
        case ResourceLevel::Series:
          selection.AddSeries(resource);
          break;
        case ResourceLevel::Instance:
          selection.AddInstance(resource);
          break;
      }
    }

    std::set<std::string> seen;
    std::vector<ResolvedStudy> result;
    for (const StudySelection& study : selection.GetStudies())
    {
      ResolvedStudy expanded = Expand(study, seen);
      if (!expanded.instances.empty())
      {
        result.push_back(std::move(expanded));
      }
    }
    if (result.empty())
    {
      throw Error(ErrorKind::BadInput, "There are no instances to send");
    }
    return result;
  }
}
