// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/SqliteStatementBackend.h"

#include "Core/Store/SqliteDatabase.h"

#include <sqlite3.h>

namespace DicomMail
{
  SqliteStatementBackend::SqliteStatementBackend(SqliteDatabase& db, const std::string& sql) :
    db_(db),
    sql_(sql),
    statement_(nullptr)
  {
    if (sqlite3_prepare_v2(db_.GetHandle(), sql.c_str(), static_cast<int>(sql.size()),
                           &statement_, nullptr) != SQLITE_OK)
    {
      db_.Fail("Cannot prepare \"" + sql_ + "\"");
    }
  }

  SqliteStatementBackend::~SqliteStatementBackend()
  {
    Finalize();
  }

  void SqliteStatementBackend::Finalize()
  {
    sqlite3_finalize(statement_);  // harmless on nullptr
    statement_ = nullptr;
  }

  void SqliteStatementBackend::CheckBind(int code, int index)
  {
    if (code != SQLITE_OK)
    {
      db_.Fail("Cannot bind parameter " + std::to_string(index) + " of \"" + sql_ + "\"");
    }
  }

  void SqliteStatementBackend::BindText(int index, const std::string& value)
  {
    CheckBind(sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                                SQLITE_TRANSIENT), index);
  }

  void SqliteStatementBackend::BindInt64(int index, int64_t value)
  {
    CheckBind(sqlite3_bind_int64(statement_, index, static_cast<sqlite3_int64>(value)), index);
  }

  void SqliteStatementBackend::BindNull(int index)
  {
    CheckBind(sqlite3_bind_null(statement_, index), index);
  }

  bool SqliteStatementBackend::Step()
  {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW)
    {
      return true;
    }
    if (code == SQLITE_DONE)
    {
      return false;
    }
    db_.Fail("Cannot run \"" + sql_ + "\"");
  }

  int SqliteStatementBackend::GetChanges()
  {
    return sqlite3_changes(db_.GetHandle());
  }

  void SqliteStatementBackend::Reset()
  {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

  bool SqliteStatementBackend::ColumnIsNull(int column)
  {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
  }

  std::string SqliteStatementBackend::ColumnText(int column)
  {
    const unsigned char* text = sqlite3_column_text(statement_, column);
    if (text == nullptr)
    {
      return std::string();
    }
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
  }

  int64_t SqliteStatementBackend::ColumnInt64(int column)
  {
    return static_cast<int64_t>(sqlite3_column_int64(statement_, column));
  }

  bool SqliteStatementBackend::ColumnBool(int column)
  {
    return ColumnInt64(column) != 0;
  }
}
