// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Routing/OrthancRoutingReader.h"

#include "Core/Routing/ReceptionKeys.h"
#include "Plugin/OrthancApi.h"

namespace DicomMail
{
  namespace
  {
    // Later sources win: the main tags Orthanc indexed over one instance's.
    void Merge(const Json::Value& tags, DicomTagValues& target)
    {
      if (!tags.isObject())
      {
        return;
      }
      for (const std::string& name : tags.getMemberNames())
      {
        const Json::Value& value = tags[name];
        if (value.isString())
        {
          target[name] = value.asString();
        }
        else if (value.isNull())
        {
          target[name] = "";
        }
        // Sequences (arrays) and binary placeholders cannot be matched.
      }
    }

    void MergeStudyTags(const Json::Value& study, DicomTagValues& target)
    {
      Merge(study["PatientMainDicomTags"], target);
      Merge(study["MainDicomTags"], target);
    }
  }

  bool OrthancRoutingReader::ReadOneSeries(const std::string& seriesId, const DicomTagValues& upperTags,
                                           RoutedSeries& result) const
  {
    Json::Value series;
    if (!OrthancApi::LookupJson("/series/" + seriesId, series))
    {
      return false;
    }
    result.orthancId = seriesId;
    result.instanceIds.clear();
    for (const Json::Value& id : series["Instances"])
    {
      result.instanceIds.push_back(id.asString());
    }

    DicomTagValues main = upperTags;
    Merge(series["MainDicomTags"], main);

    bool complete = true;
    for (const std::string& tag : filterTags_)
    {
      if (main.count(tag) == 0 && !ReceptionKeys::IsReceptionKey(tag))
      {
        complete = false;
        break;
      }
    }
    result.tags.clear();
    if (!complete && !result.instanceIds.empty())
    {
      Json::Value tags;
      if (OrthancApi::LookupJson("/instances/" + result.instanceIds.front() + "/tags?simplify", tags))
      {
        Merge(tags, result.tags);
      }
    }
    for (const auto& entry : main)
    {
      result.tags[entry.first] = entry.second;
    }
    ReadReception(result);
    return true;
  }

  void OrthancRoutingReader::ReadReception(RoutedSeries& result) const
  {
    // One instance stands for its series: a modality sends a series in one
    // association. A key Orthanc did not record (an upload over REST) stays
    // absent, which only "*" matches.
    const std::set<std::string> keys = ReceptionKeys::Select(filterTags_);
    if (keys.empty() || result.instanceIds.empty())
    {
      return;
    }
    Json::Value metadata;
    if (!OrthancApi::LookupJson("/instances/" + result.instanceIds.front() + "/metadata?expand", metadata) ||
        !metadata.isObject())
    {
      return;
    }
    for (const std::string& key : keys)
    {
      if (metadata[key].isString())
      {
        result.tags[key] = metadata[key].asString();
      }
    }
  }

  bool OrthancRoutingReader::ReadStudy(const std::string& studyId, RoutedStudy& result) const
  {
    Json::Value study;
    if (!OrthancApi::LookupJson("/studies/" + studyId, study))
    {
      return false;
    }
    result.orthancId = studyId;
    result.studyInstanceUid = study["MainDicomTags"]["StudyInstanceUID"].asString();
    DicomTagValues upper;
    MergeStudyTags(study, upper);
    result.series.clear();
    for (const Json::Value& seriesId : study["Series"])
    {
      RoutedSeries series;
      if (ReadOneSeries(seriesId.asString(), upper, series))   // a series may vanish meanwhile
      {
        result.series.push_back(series);
      }
    }
    return true;
  }

  bool OrthancRoutingReader::ReadSeries(const std::string& seriesId, RoutedStudy& result) const
  {
    Json::Value series;
    Json::Value study;
    if (!OrthancApi::LookupJson("/series/" + seriesId, series) ||
        !OrthancApi::LookupJson("/studies/" + series["ParentStudy"].asString(), study))
    {
      return false;
    }
    result.orthancId = series["ParentStudy"].asString();
    result.studyInstanceUid = study["MainDicomTags"]["StudyInstanceUID"].asString();
    DicomTagValues upper;
    MergeStudyTags(study, upper);
    RoutedSeries one;
    if (!ReadOneSeries(seriesId, upper, one))
    {
      return false;
    }
    result.series.assign(1, one);
    return true;
  }
}
