// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/SqliteStatement.h"

#include "Core/Common/Error.h"

#include <json/reader.h>
#include <json/value.h>
#include <json/writer.h>

#include <limits>
#include <memory>
#include <sqlite3.h>

namespace DicomMail
{
  SqliteStatement::SqliteStatement(SqliteDatabase& db, const std::string& sql) :
    db_(db),
    lock_(db.Lock()),
    sql_(sql),
    statement_(nullptr)
  {
    if (sqlite3_prepare_v2(db_.GetHandle(), sql.c_str(), static_cast<int>(sql.size()),
                           &statement_, nullptr) != SQLITE_OK)
    {
      db_.Fail("Cannot prepare \"" + sql_ + "\"");
    }
  }

  SqliteStatement::~SqliteStatement()
  {
    Finalize();
  }

  void SqliteStatement::Finalize()
  {
    sqlite3_finalize(statement_);  // harmless on nullptr
    statement_ = nullptr;
  }

  void SqliteStatement::CheckBind(int code, int index)
  {
    if (code != SQLITE_OK)
    {
      db_.Fail("Cannot bind parameter " + std::to_string(index) + " of \"" + sql_ + "\"");
    }
  }

  SqliteStatement& SqliteStatement::BindText(int index, const std::string& value)
  {
    CheckBind(sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                                SQLITE_TRANSIENT), index);
    return *this;
  }

  SqliteStatement& SqliteStatement::BindInt64(int index, int64_t value)
  {
    CheckBind(sqlite3_bind_int64(statement_, index, static_cast<sqlite3_int64>(value)), index);
    return *this;
  }

  SqliteStatement& SqliteStatement::BindUint64(int index, uint64_t value)
  {
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    {
      throw Error(ErrorKind::BadInput, "Value too large to store: " + std::to_string(value));
    }
    return BindInt64(index, static_cast<int64_t>(value));
  }

  SqliteStatement& SqliteStatement::BindBool(int index, bool value)
  {
    return BindInt64(index, value ? 1 : 0);
  }

  SqliteStatement& SqliteStatement::BindNull(int index)
  {
    CheckBind(sqlite3_bind_null(statement_, index), index);
    return *this;
  }

  SqliteStatement& SqliteStatement::BindStringList(int index, const std::vector<std::string>& values)
  {
    Json::Value array(Json::arrayValue);
    for (const std::string& value : values)
    {
      array.append(value);
    }
    Json::StreamWriterBuilder builder;
    builder["indentation"] = "";
    builder["emitUTF8"] = true;  // bytes as they are: readable, and no U+FFFD for invalid UTF-8
    return BindText(index, Json::writeString(builder, array));
  }

  bool SqliteStatement::Step()
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

  int SqliteStatement::Run()
  {
    while (Step())
    {
      // e.g. a pragma answering with its new value: nothing to read
    }
    return sqlite3_changes(db_.GetHandle());
  }

  void SqliteStatement::Reset()
  {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

  bool SqliteStatement::ColumnIsNull(int column)
  {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
  }

  std::string SqliteStatement::ColumnText(int column)
  {
    const unsigned char* text = sqlite3_column_text(statement_, column);
    if (text == nullptr)
    {
      return std::string();
    }
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
  }

  int64_t SqliteStatement::ColumnInt64(int column)
  {
    return static_cast<int64_t>(sqlite3_column_int64(statement_, column));
  }

  uint64_t SqliteStatement::ColumnUint64(int column)
  {
    const int64_t value = ColumnInt64(column);
    if (value < 0)
    {
      throw Error(ErrorKind::Storage, "Negative value in column " + std::to_string(column) +
                  " of \"" + sql_ + "\" in database " + db_.GetPath());
    }
    return static_cast<uint64_t>(value);
  }

  bool SqliteStatement::ColumnBool(int column)
  {
    return ColumnInt64(column) != 0;
  }

  std::vector<std::string> SqliteStatement::ColumnStringList(int column)
  {
    std::vector<std::string> result;
    const std::string text = ColumnText(column);
    if (text.empty())
    {
      return result;
    }

    Json::CharReaderBuilder builder;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    Json::Value array;
    std::string errors;
    if (!reader->parse(text.data(), text.data() + text.size(), &array, &errors) ||
        !array.isArray())
    {
      throw Error(ErrorKind::Storage, "Column " + std::to_string(column) + " of \"" + sql_ +
                  "\" in database " + db_.GetPath() + " is not a JSON array of strings");
    }
    for (const Json::Value& item : array)
    {
      if (!item.isString())
      {
        throw Error(ErrorKind::Storage, "Column " + std::to_string(column) + " of \"" + sql_ +
                    "\" in database " + db_.GetPath() + " holds a non-string list item");
      }
      result.push_back(item.asString());
    }
    return result;
  }
}
