// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/Statement.h"

#include "Core/Common/Error.h"

#include <json/reader.h>
#include <json/value.h>
#include <json/writer.h>

#include <limits>
#include <memory>

namespace DicomMail
{
  Statement::Statement(Database& db, const std::string& sql) :
    db_(db),
    lock_(db.Lock()),
    sql_(sql),
    backend_(db.Prepare(sql))
  {
  }

  Statement::~Statement()
  {
    Finalize();
  }

  void Statement::Finalize()
  {
    backend_->Finalize();
  }

  Statement& Statement::BindText(int index, const std::string& value)
  {
    backend_->BindText(index, value);
    return *this;
  }

  Statement& Statement::BindInt64(int index, int64_t value)
  {
    backend_->BindInt64(index, value);
    return *this;
  }

  Statement& Statement::BindUint64(int index, uint64_t value)
  {
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    {
      throw Error(ErrorKind::BadInput, "Value too large to store: " + std::to_string(value));
    }
    return BindInt64(index, static_cast<int64_t>(value));
  }

  Statement& Statement::BindBool(int index, bool value)
  {
    return BindInt64(index, value ? 1 : 0);
  }

  Statement& Statement::BindNull(int index)
  {
    backend_->BindNull(index);
    return *this;
  }

  Statement& Statement::BindStringList(int index, const std::vector<std::string>& values)
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

  bool Statement::Step()
  {
    return backend_->Step();
  }

  int Statement::Run()
  {
    while (Step())
    {
      // e.g. a pragma answering with its new value: nothing to read
    }
    return backend_->GetChanges();
  }

  void Statement::Reset()
  {
    backend_->Reset();
  }

  bool Statement::ColumnIsNull(int column)
  {
    return backend_->ColumnIsNull(column);
  }

  std::string Statement::ColumnText(int column)
  {
    return backend_->ColumnText(column);
  }

  int64_t Statement::ColumnInt64(int column)
  {
    return backend_->ColumnInt64(column);
  }

  uint64_t Statement::ColumnUint64(int column)
  {
    const int64_t value = ColumnInt64(column);
    if (value < 0)
    {
      throw Error(ErrorKind::Storage, "Negative value in column " + std::to_string(column) +
                  " of \"" + sql_ + "\" in database " + db_.GetPath());
    }
    return static_cast<uint64_t>(value);
  }

  bool Statement::ColumnBool(int column)
  {
    return backend_->ColumnBool(column);
  }

  std::vector<std::string> Statement::ColumnStringList(int column)
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
