// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace DicomMail
{
  // One prepared statement (RAII), on either engine. It holds the
  // connection's lock for its whole life, so stepping through rows is never
  // interleaved with another thread's statements. Parameters are written "?"
  // or "?N" and numbered from 1; columns from 0.
  //
  // String lists are stored as JSON arrays of strings (TEXT columns), so a
  // record's vector survives a round trip without an extra table.
  class Statement
  {
  public:
    Statement(Database& db, const std::string& sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& BindText(int index, const std::string& value);
    Statement& BindInt64(int index, int64_t value);
    Statement& BindUint64(int index, uint64_t value);  // throws BadInput above INT64_MAX
    Statement& BindBool(int index, bool value);        // stored as the integer 0 or 1
    Statement& BindNull(int index);
    Statement& BindStringList(int index, const std::vector<std::string>& values);

    // True when a row is available, false when the statement is done. Errors
    // throw Error(Storage); a unique violation throws UniqueViolation, a
    // busy database or a serialization failure DatabaseBusy.
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
    Database& db_;
    std::unique_lock<std::recursive_mutex> lock_;
    std::string sql_;
    std::unique_ptr<StatementBackend> backend_;
  };
}
