// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <string>

struct sqlite3;

namespace DicomMail
{
  // One SQLite connection (RAII): the default engine of Database, a local
  // file.
  //
  // Settings applied at open: WAL journal (readers never block the writer),
  // synchronous=NORMAL (safe with WAL: a power cut can lose the last commits,
  // never corrupt the file), foreign keys on, busy timeout 5 s (for other
  // connections on the same file, e.g. a second process). A new file is
  // created with mode 0600: it names partners, addresses and study UIDs.
  // The schema version is SQLite's "user_version".
  class SqliteDatabase : public Database
  {
  public:
    explicit SqliteDatabase(const std::string& path);
    ~SqliteDatabase() override;

    void Execute(const std::string& sql) override;

    int GetUserVersion() override;
    void SetUserVersion(int version) override;

    // BEGIN IMMEDIATE already keeps every other connection out.
    void LockSchema() override
    {
    }

    std::unique_ptr<StatementBackend> Prepare(const std::string& sql) override;

    // For SqliteStatementBackend.
    sqlite3* GetHandle()
    {
      return db_;
    }

    // Throws "<context> in <path>: <sqlite message>" as UniqueViolation,
    // DatabaseBusy or Error(Storage).
    [[noreturn]] void Fail(const std::string& context);

  private:
    void SwitchToWal();

    sqlite3* db_;
  };
}
