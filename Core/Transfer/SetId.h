// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <ctime>
#include <string>

namespace DicomMail
{
  // The transfer id carried in X-TELEMEDICINE-SETID: "YYYYMMDD.HHMMSS.<8 hex>"
  // (UTC, zero padded, so ids sort by time and cannot be ambiguous).
  namespace SetId
  {
    std::string Generate();

    // Same, for a given instant (tests).
    std::string Generate(std::time_t now);

    // The wire syntax every received id must match: [A-Za-z0-9._-]{1,64}.
    bool IsValid(const std::string& id);

    // Throws Error(BadInput) naming what is wrong with "id".
    void Check(const std::string& id);
  }
}
