// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/SqliteDatabase.h"

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

struct sqlite3_stmt;

namespace DicomMail
{
  // One prepared statement (RAII). It holds the connection's lock for its
  // whole life, so stepping through rows is never interleaved with another
  // thread's statements. Parameters and columns are numbered as SQLite does:
  // parameters from 1, columns from 0.
  //
  // String lists are stored as JSON arrays of strings (TEXT columns), so a
  // record's vector survives a round trip without an extra table.
  class SqliteStatement
  {
  public:
    SqliteStatement(SqliteDatabase& db, const std::string& sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    SqliteStatement& BindText(int index, const std::string& value);
    SqliteStatement& BindInt64(int index, int64_t value);
    SqliteStatement& BindUint64(int index, uint64_t value);  // throws BadInput above INT64_MAX
    SqliteStatement& BindBool(int index, bool value);
    SqliteStatement& BindNull(int index);
    SqliteStatement& BindStringList(int index, const std::vector<std::string>& values);

    // True when a row is available, false when the statement is done. Errors
    // (constraint violations, "database is locked" after the busy timeout)
    // throw Error(Storage).
    bool Step();

    // Steps a statement that returns no rows (INSERT, UPDATE, DELETE); returns
    // the number of rows it changed.
    int Run();

    // Ready to run again with new parameters.
    void Reset();

    // Releases the statement early (before the destructor), e.g. to run a
    // pragma that needs no statement pending.
    void Finalize();

    bool ColumnIsNull(int column);
    std::string ColumnText(int column);    // "" for NULL
    int64_t ColumnInt64(int column);       // 0 for NULL
    uint64_t ColumnUint64(int column);     // throws Storage if negative
    bool ColumnBool(int column);
    std::vector<std::string> ColumnStringList(int column);  // [] for NULL or ""

  private:
    void CheckBind(int code, int index);

    SqliteDatabase& db_;
    std::unique_lock<std::recursive_mutex> lock_;
    std::string sql_;
    sqlite3_stmt* statement_;
  };
}
