// SPDX-License-Identifier: GPL-3.0-or-later
#include "UnitTests/StoreTestSupport.h"

#include "Core/Store/OpenDatabase.h"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace DicomMail
{
  std::string TestPostgresConnectionString()
  {
    // ctest's fixture starts it in the build directory; another one may be
    // named in the environment.
    const char* dir = getenv("DICOM_MAIL_TEST_POSTGRES_DIR");
    if (dir == nullptr || *dir == '\0')
    {
      dir = DICOM_MAIL_TEST_POSTGRES_DIR;
    }
    std::ifstream file(std::string(dir) + "/conninfo");
    std::string conninfo;
    if (!std::getline(file, conninfo) || conninfo.empty())
    {
      throw std::runtime_error(std::string(dir) + "/conninfo is missing: start the test cluster with "
                               "Resources/test-postgres.sh start " + dir + " (ctest does)");
    }
    return conninfo;
  }

  StoreEngineTest::StoreEngineTest()
  {
    if (GetParam() == DatabaseEngine::PostgreSQL)
    {
      Open()->Execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
    }
  }

  std::unique_ptr<Database> StoreEngineTest::Open()
  {
    DatabaseSettings settings;
    settings.engine = GetParam();
    settings.path = dir_.File("records.db");
    if (settings.engine == DatabaseEngine::PostgreSQL)
    {
      settings.connectionString = TestPostgresConnectionString();
    }
    return OpenDatabase(settings);
  }

  std::string EngineName(const ::testing::TestParamInfo<DatabaseEngine>& info)
  {
    return info.param == DatabaseEngine::SQLite ? "SQLite" : "PostgreSQL";
  }
}
