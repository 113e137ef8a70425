// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"
#include "Core/Store/DatabaseSettings.h"

#include <string>
#include <vector>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace DicomMail
{
  // One libpq connection (RAII): the engine of Database for several Orthancs
  // sharing their records. The schema version is kept in the table
  // "dicom_mail_schema"; migrations run under a transaction-scoped advisory
  // lock, so two nodes starting at once migrate once.
  //
  // A connection found broken outside a transaction is re-established once
  // before the statement is tried again (the server restarted, a fail-over);
  // inside a transaction the error goes to the caller, whose transaction is
  // lost anyway.
  class PostgresDatabase : public Database
  {
  public:
    explicit PostgresDatabase(const DatabaseSettings& settings);
    ~PostgresDatabase() override;

    void Execute(const std::string& sql) override;

    int GetUserVersion() override;
    void SetUserVersion(int version) override;

    void LockSchema() override;

    std::unique_ptr<StatementBackend> Prepare(const std::string& sql) override;

    // For PostgresStatementBackend: runs a statement with text parameters
    // (nullptr = NULL) of the given types (0 = inferred by the server) and
    // returns its result, or throws as Fail() does.
    PGresult* Run(const std::string& sql, const std::vector<const char*>& parameters,
                  const std::vector<unsigned int>& types);

  private:
    PGresult* Attempt(const std::string& sql, const std::vector<const char*>& parameters,
                      const std::vector<unsigned int>& types);

    // Throws "<context> in <database>: <server message>" as UniqueViolation,
    // DatabaseBusy or Error(Storage), and frees the result.
    [[noreturn]] void Fail(const std::string& context, PGresult* result);

    PGconn* conn_;
  };
}
