// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/SqliteDatabase.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // Which Orthanc studies (Orthanc ids, not DICOM UIDs) a received transfer
  // imported instances into: the inbox links each transfer to what arrived.
  class InboxStudyStore
  {
  public:
    explicit InboxStudyStore(SqliteDatabase& db);

    // Recording the same pair again changes nothing.
    void Record(const std::string& setId, const std::string& studyId);

    // In the order first recorded.
    std::vector<std::string> List(const std::string& setId);

  private:
    SqliteDatabase& db_;
  };
}
