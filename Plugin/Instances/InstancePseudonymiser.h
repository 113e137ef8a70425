// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/PseudonymStore.h"

#include <map>
#include <set>
#include <string>

namespace DicomMail
{
  // Makes the pseudonymised copy of a stored instance for one partner (#19)
  // with Orthanc's /instances/{id}/anonymize, which answers the modified
  // file without storing it, following PseudonymProfile. One per composed
  // mail (not thread-safe); the pseudonyms and studies go to the store.
  class InstancePseudonymiser
  {
  public:
    InstancePseudonymiser(PseudonymStore& store, const std::string& partner, const std::string& setId);

    struct Result
    {
      std::string file;
      std::string sopInstanceUid;
      bool mayHaveBurnedInText = false;
    };

    // Throws when Orthanc cannot make the copy: the original never goes
    // instead.
    Result Pseudonymise(const std::string& orthancId);

  private:
    PseudonymStore& store_;
    std::string partner_;
    std::string setId_;
    std::map<std::string, PseudonymRecord> byPatient_;
    std::set<std::string> studiesRecorded_;
  };
}
