// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Config/DatabaseConfig.h"

#include "Core/Common/Files.h"

namespace DicomMail
{
  namespace
  {
    void ReadPostgres(ConfigReader& reader, DatabaseSettings& settings)
    {
      settings.connectionString = reader.GetString("ConnectionString", "");
      settings.host = reader.GetString("Host", "");
      settings.port = static_cast<unsigned int>(reader.GetInteger("Port", 0, 0, 65535));
      settings.databaseName = reader.GetString("Database", "");
      settings.username = reader.GetString("Username", "");
      settings.passwordFile = reader.GetString("PasswordFile", "");
      if (reader.Has("Password"))
      {
        reader.Fail("Password", "is not read from the configuration; give \"PasswordFile\" instead");
      }
      if (!settings.passwordFile.empty() && !Files::Exists(settings.passwordFile))
      {
        reader.Fail("PasswordFile", "file not found: " + settings.passwordFile);
      }
      if (settings.connectionString.empty() && settings.host.empty() && settings.databaseName.empty())
      {
        reader.Fail("ConnectionString", "PostgreSQL needs a connection string, or Host and Database");
      }
    }
  }

  DatabaseSettings ReadDatabaseSettings(ConfigReader& section, const std::string& stateDirectory)
  {
    DatabaseSettings settings;
    settings.path = section.GetString("DatabasePath", stateDirectory + "/dicom-mail.db");
    if (!section.Has("Database"))
    {
      return settings;
    }

    const Json::Value& object = section.GetRaw("Database");
    if (!object.isObject())
    {
      section.Fail("Database", "must be an object");
    }
    ConfigReader reader(object, section.KeyPath("Database"));
    const std::string engine = reader.GetString("Engine", "SQLite");
    if (engine == "PostgreSQL")
    {
      settings.engine = DatabaseEngine::PostgreSQL;
      ReadPostgres(reader, settings);
    }
    else if (engine != "SQLite")
    {
      reader.Fail("Engine", "must be \"SQLite\" or \"PostgreSQL\"");
    }
    reader.CheckNoUnknownKeys();
    return settings;
  }
}
