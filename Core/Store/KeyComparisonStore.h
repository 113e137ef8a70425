// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <string>

namespace DicomMail
{
  // Who compared a key's fingerprint with its owner, how and when: the
  // record of the check that certifying a partner's key rests on.
  struct KeyComparison
  {
    std::string fingerprint;   // 40 upper-case hex digits
    std::string comparedBy;    // the person, as they named themselves
    std::string method;        // "phone"
    std::string comparedAt;    // UtcTime; Record() fills it in when empty
  };

  class KeyComparisonStore
  {
  public:
    explicit KeyComparisonStore(Database& db);

    // Replaces an earlier record of the same key. Throws Error(BadInput) for
    // an empty name or fingerprint, or a malformed time.
    void Record(const KeyComparison& comparison);

    bool Get(const std::string& fingerprint, KeyComparison& out);

  private:
    Database& db_;
  };
}
