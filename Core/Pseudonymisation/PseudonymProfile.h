// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/value.h>

#include <string>

namespace DicomMail
{
  // What a pseudonymised copy keeps and changes (#19, README
  // "Pseudonymisation"): Orthanc's basic de-identification profile (DICOM
  // PS3.15 E.1, private tags removed), with the patient's name and ID
  // replaced by the pseudonym, the study, series, instance and frame of
  // reference UIDs derived from the originals (PseudonymUids), and two
  // options of PS3.15: full dates and times of the study, its series,
  // acquisitions and contents kept, and the patient's sex, age, size and
  // weight kept. Burned-in annotations are not removed.
  namespace PseudonymProfile
  {
    extern const char* const kPseudonymised;
    extern const char* const kMayHaveBurnedInText;

    struct Request
    {
      Json::Value body;               // for POST /instances/{id}/anonymize
      std::string sopInstanceUid;     // the copy's
      std::string studyInstanceUid;   // the copy's
      bool mayHaveBurnedInText = false;
    };

    // "tags": the instance's simplified tags (GET /instances/{id}/tags?simplify).
    Request Make(const Json::Value& tags, const std::string& pseudonym, const std::string& secret);
  }
}
