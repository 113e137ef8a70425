// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/SqliteDatabase.h"

namespace DicomMail
{
  // The tables of the plugin's records file, versioned with SQLite's
  // "user_version" (0 for a new or empty file). Migrate() brings a file up to
  // LatestVersion() in one transaction, one step per version, and refuses a
  // file written by a newer plugin rather than guess at its tables. Every
  // store's constructor calls it, so opening a store is opening the schema.
  //
  // Lists are JSON arrays of strings in TEXT columns; timestamps are the
  // ISO 8601 UTC strings of UtcTime ("" for "not yet").
  namespace StoreSchema
  {
    int LatestVersion();

    void Migrate(SqliteDatabase& db);
  }
}
