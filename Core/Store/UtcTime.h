// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Every timestamp the stores keep is an ISO 8601 UTC string of exactly this
  // shape: "2026-11-28T04:15:02Z" (seconds, no fraction, always "Z"). One fixed
  // width means that comparing two strings compares two instants, so SQL can
  // use "<" and ORDER BY on them, and the REST layer can show them unchanged.
  // An empty string means "not yet" (e.g. a transfer that has not finished).
  namespace UtcTime
  {
    std::string Now();

    std::string FromUnix(int64_t secondsSinceEpoch);

    // Throws Error(BadInput) if "timestamp" is not of the shape above.
    int64_t ToUnix(const std::string& timestamp);

    bool IsValid(const std::string& timestamp);

    // Throws Error(BadInput) naming "what" unless "timestamp" is valid, or
    // empty when "allowEmpty".
    void Check(const std::string& timestamp, const std::string& what, bool allowEmpty);
  }
}
