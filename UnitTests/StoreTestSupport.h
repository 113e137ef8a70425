// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"
#include "UnitTests/TestSupport.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace DicomMail
{
  // A scratch directory for one test's database files, removed afterwards.
  using TempDirectory = TestSupport::ScratchDirectory;

  // The store tests run on both engines (TEST_P on a fixture derived from
  // this one, instantiated with INSTANTIATE_STORE_ENGINES). Each test starts
  // on an empty database: a SQLite file of its own, or the PostgreSQL test
  // database with its tables dropped. The PostgreSQL cluster is the one
  // Resources/test-postgres.sh started into build/postgres (a setup test of
  // ctest's fixture) or $DICOM_MAIL_TEST_POSTGRES_DIR; without it the
  // PostgreSQL tests fail.
  class StoreEngineTest : public ::testing::TestWithParam<DatabaseEngine>
  {
  protected:
    // Empties the PostgreSQL test database before the derived fixture's
    // members open their stores on it.
    StoreEngineTest();

    // A new connection to this test's database (opened again, it sees what
    // an earlier connection wrote, as a restarted plugin would).
    std::unique_ptr<Database> Open();

    TempDirectory dir_;
  };

  // The PostgreSQL test database's libpq connection string.
  std::string TestPostgresConnectionString();

  std::string EngineName(const ::testing::TestParamInfo<DatabaseEngine>& info);
}

#define INSTANTIATE_STORE_ENGINES(suite) \
  INSTANTIATE_TEST_SUITE_P(Engines, suite, \
                           ::testing::Values(::DicomMail::DatabaseEngine::SQLite, \
                                             ::DicomMail::DatabaseEngine::PostgreSQL), \
                           ::DicomMail::EngineName)
