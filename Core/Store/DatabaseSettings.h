// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/SqlDialect.h"

#include <string>

namespace DicomMail
{
  // Where the plugin keeps its records ("Database" of the configuration).
  struct DatabaseSettings
  {
    DatabaseEngine engine = DatabaseEngine::SQLite;

    // SQLite: the file.
    std::string path;

    // PostgreSQL: a libpq connection string or URI, and/or the keys of
    // Orthanc's PostgreSQL plugin (those given override the string's).
    // The password is read from a file, never from the configuration.
    std::string connectionString;
    std::string host;
    unsigned int port = 0;  // 0: libpq's default
    std::string databaseName;
    std::string username;
    std::string passwordFile;
  };
}
