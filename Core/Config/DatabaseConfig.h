// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/ConfigReader.h"
#include "Core/Store/DatabaseSettings.h"

namespace DicomMail
{
  // "DatabasePath" (the SQLite file) and the "Database" object of the
  // DicomMail section: {"Engine": "SQLite"} by default, or {"Engine":
  // "PostgreSQL", "ConnectionString": ..., "Host", "Port", "Database",
  // "Username", "PasswordFile"}.
  DatabaseSettings ReadDatabaseSettings(ConfigReader& section, const std::string& stateDirectory);
}
