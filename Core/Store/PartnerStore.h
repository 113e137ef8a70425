// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Notices/NoticeSettings.h"
#include "Core/Store/Database.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // A partner created over REST. Partners from the configuration file are held
  // in memory by the plugin and never written here.
  struct PartnerRecord
  {
    std::string name;
    std::string displayName;              // UTF-8; "" = the name
    std::vector<std::string> addresses;
    std::string fingerprint;
    uint64_t maxMailSize = 10000000;
    bool acknowledgements = true;
    bool compression = true;
    NoticeSettings notices;               // its own; the site's hold for the keys left out
    std::string transferSyntax;           // UID; "" = as stored
    bool pseudonymise = false;
  };

  class PartnerStore
  {
  public:
    explicit PartnerStore(Database& db);

    // Sorted by name.
    std::vector<PartnerRecord> List();

    bool Get(const std::string& name, PartnerRecord& out);

    // Inserts, or replaces the partner of the same name. Throws BadInput for
    // an empty name.
    void Put(const PartnerRecord& record);

    // False if there was no such partner.
    bool Remove(const std::string& name);

  private:
    Database& db_;
  };
}
