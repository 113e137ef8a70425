// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <cstdint>
#include <map>
#include <string>

namespace DicomMail
{
  // What happened to the instances of each outbox mail on their way out
  // (#19): "transcoded", or why one went as stored ("already compressed",
  // "no pixel data", ...). Counts, never patient data.
  class InstanceNoteStore
  {
  public:
    using Counts = std::map<std::string, uint64_t>;

    explicit InstanceNoteStore(Database& db);

    // The counts of one mail as it was composed last: a mail composed again
    // (resent) replaces them rather than adding up. The transfer must exist.
    void Record(const std::string& setId, unsigned int part, const Counts& counts);

    // The transfer's counts over all its mails.
    Counts Get(const std::string& setId);

  private:
    Database& db_;
  };
}
