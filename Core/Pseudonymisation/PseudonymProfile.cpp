// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Pseudonymisation/PseudonymProfile.h"

#include "Core/Pseudonymisation/PseudonymUids.h"

namespace DicomMail
{
  namespace PseudonymProfile
  {
    const char* const kPseudonymised = "pseudonymised";
    const char* const kMayHaveBurnedInText = "pseudonymised, may carry burned-in text (US, SC, or flagged so)";

    namespace
    {
      // Retain Longitudinal Temporal Information with Full Dates, for the
      // main dates only, and Retain Patient Characteristics (PS3.15 E.3).
      const char* const kKept[] = {
        "StudyDate", "StudyTime", "SeriesDate", "SeriesTime", "AcquisitionDate", "AcquisitionTime",
        "ContentDate", "ContentTime", "PatientSex", "PatientAge", "PatientSize", "PatientWeight"
      };

      // Replaced by derived UIDs where the instance has them (a Replace
      // would add a missing one).
      const char* const kRemappedUids[] = {
        "StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "FrameOfReferenceUID"
      };

      bool MayHaveBurnedInText(const Json::Value& tags)
      {
        const std::string modality = tags["Modality"].asString();
        return modality == "US" || modality == "SC" || modality == "XC" ||
          tags["BurnedInAnnotation"].asString() == "YES" ||
          tags["SOPClassUID"].asString().find("1.2.840.10008.5.1.4.1.1.7") == 0;   // secondary capture
      }
    }

    Request Make(const Json::Value& tags, const std::string& pseudonym, const std::string& secret)
    {
      Request request;
      Json::Value& body = request.body;
      body["Replace"]["PatientName"] = pseudonym;
      body["Replace"]["PatientID"] = pseudonym;
      for (const char* tag : kRemappedUids)
      {
        if (tags.isMember(tag) && tags[tag].isString() && !tags[tag].asString().empty())
        {
          body["Replace"][tag] = PseudonymUids::Derive(secret, tags[tag].asString());
        }
      }
      body["Keep"] = Json::arrayValue;
      for (const char* tag : kKept)
      {
        body["Keep"].append(tag);
      }
      body["KeepPrivateTags"] = false;
      body["Force"] = true;   // Orthanc asks for it to replace UIDs
      request.sopInstanceUid = body["Replace"]["SOPInstanceUID"].asString();
      request.studyInstanceUid = body["Replace"]["StudyInstanceUID"].asString();
      request.mayHaveBurnedInText = MayHaveBurnedInText(tags);
      return request;
    }
  }
}
