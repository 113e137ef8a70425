// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

namespace DicomMail
{
  // The tables of the plugin's records, versioned with Database's user
  // version (0 for a new or empty database). Migrate() brings a database up
  // to LatestVersion() in one transaction under the schema lock, one step
  // per version (written for SQLite, adapted by the dialect), and refuses a
  // database written by a newer plugin rather than guess at its tables.
  // Every store's constructor calls it, so opening a store is opening the
  // schema.
  //
  // Lists are JSON arrays of strings in TEXT columns; timestamps are the
  // ISO 8601 UTC strings of UtcTime ("" for "not yet").
  namespace StoreSchema
  {
    int LatestVersion();

    void Migrate(Database& db);
  }
}
