// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <string>
#include <vector>

namespace DicomMail
{
  struct PseudonymRecord
  {
    std::string partner;
    std::string patientId;   // the original PatientID
    std::string pseudonym;
    std::string secret;      // derives the copies' UIDs; never leaves the plugin
    std::string created;
  };

  struct PseudonymStudy
  {
    std::string originalStudyUid;
    std::string studyUid;    // of the pseudonymised copy
    std::string setId;       // the first transfer that sent it
  };

  // The pseudonym <-> original mapping (#19), kept at the sender only, so a
  // report that comes back under a pseudonym can be matched.
  class PseudonymStore
  {
  public:
    explicit PseudonymStore(Database& db);

    // The partner's pseudonym for the patient, made on first use.
    PseudonymRecord GetOrCreate(const std::string& partner, const std::string& patientId);

    // Remembers that a study went under "pseudonym" (the first time only).
    void RecordStudy(const std::string& pseudonym, const PseudonymStudy& study);

    bool Find(const std::string& pseudonym, PseudonymRecord& record, std::vector<PseudonymStudy>& studies);

  private:
    Database& db_;
  };
}
