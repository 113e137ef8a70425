// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <set>
#include <string>

namespace DicomMail
{
  // Filter keys that are not DICOM tags but what Orthanc records of how an
  // instance reached it over DICOM (instance metadata, Orthanc 1.10.1 names):
  // "CalledAET", the AE title the sender called (ours, as the modality or
  // PACS addressed us), and "RemoteAET", the sender's own (calling) AE title.
  // A gateway routes by them: what a modality C-STOREs to it is mailed.
  namespace ReceptionKeys
  {
    bool IsReceptionKey(const std::string& key);

    // Those of "keys" that are reception keys.
    std::set<std::string> Select(const std::set<std::string>& keys);
  }
}
