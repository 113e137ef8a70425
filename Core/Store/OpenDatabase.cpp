// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/OpenDatabase.h"

#include "Core/Store/PostgresDatabase.h"
#include "Core/Store/SqliteDatabase.h"

namespace DicomMail
{
  std::unique_ptr<Database> OpenDatabase(const DatabaseSettings& settings)
  {
    if (settings.engine == DatabaseEngine::PostgreSQL)
    {
      return std::make_unique<PostgresDatabase>(settings);
    }
    return std::make_unique<SqliteDatabase>(settings.path);
  }
}
