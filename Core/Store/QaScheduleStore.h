// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/QualityAssurance/QaSchedule.h"
#include "Core/Store/Database.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // The QA schedules edited over REST (PUT /dicom-mail/qa/schedules/{partner}),
  // kept as the JSON that was put and parsed again when read, so a schedule
  // means what the parser of this version says.
  class QaScheduleStore
  {
  public:
    explicit QaScheduleStore(Database& db);

    void Put(const QaSchedule& schedule);

    bool Remove(const std::string& partner);

    std::vector<QaSchedule> List();

  private:
    Database& db_;
  };
}
