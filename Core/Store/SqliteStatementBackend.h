// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

struct sqlite3_stmt;

namespace DicomMail
{
  class SqliteDatabase;

  // One sqlite3_stmt (RAII), for Statement.
  class SqliteStatementBackend : public StatementBackend
  {
  public:
    SqliteStatementBackend(SqliteDatabase& db, const std::string& sql);
    ~SqliteStatementBackend() override;
    SqliteStatementBackend(const SqliteStatementBackend&) = delete;
    SqliteStatementBackend& operator=(const SqliteStatementBackend&) = delete;

    void BindText(int index, const std::string& value) override;
    void BindInt64(int index, int64_t value) override;
    void BindNull(int index) override;

    bool Step() override;
    int GetChanges() override;
    void Reset() override;
    void Finalize() override;

    bool ColumnIsNull(int column) override;
    std::string ColumnText(int column) override;
    int64_t ColumnInt64(int column) override;
    bool ColumnBool(int column) override;

  private:
    void CheckBind(int code, int index);

    SqliteDatabase& db_;
    std::string sql_;
    sqlite3_stmt* statement_;
  };
}
