// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/PostgresStatementBackend.h"

#include "Core/Common/Error.h"
#include "Core/Store/PostgresDatabase.h"
#include "Core/Store/PostgresPlaceholders.h"

#include <libpq-fe.h>

#include <cstdlib>

namespace DicomMail
{
  PostgresStatementBackend::PostgresStatementBackend(PostgresDatabase& db, const std::string& sql) :
    db_(db),
    result_(nullptr),
    row_(-1)
  {
    const PostgresSql translated = TranslatePlaceholders(sql);
    sql_ = translated.text;
    parameters_.resize(static_cast<size_t>(translated.parameters));
    // A parameter the SQL never names has no type to infer: call it text,
    // it is sent and ignored (SQLite allows such gaps, e.g. "?2" without "?1").
    const unsigned int kTextOid = 25;
    for (bool used : translated.used)
    {
      types_.push_back(used ? 0 : kTextOid);
    }
  }

  PostgresStatementBackend::~PostgresStatementBackend()
  {
    Finalize();
  }

  void PostgresStatementBackend::Finalize()
  {
    PQclear(result_);  // harmless on nullptr
    result_ = nullptr;
  }

  std::optional<std::string>& PostgresStatementBackend::Parameter(int index)
  {
    if (index < 1 || static_cast<size_t>(index) > parameters_.size())
    {
      throw Error(ErrorKind::Storage, "Cannot bind parameter " + std::to_string(index) + " of \"" + sql_ +
                  "\" in database " + db_.GetPath() + ": out of range");
    }
    return parameters_[static_cast<size_t>(index - 1)];
  }

  void PostgresStatementBackend::BindText(int index, const std::string& value)
  {
    Parameter(index) = value;
  }

  void PostgresStatementBackend::BindInt64(int index, int64_t value)
  {
    Parameter(index) = std::to_string(value);
  }

  void PostgresStatementBackend::BindNull(int index)
  {
    Parameter(index).reset();
  }

  bool PostgresStatementBackend::Step()
  {
    if (result_ == nullptr)
    {
      std::vector<const char*> values;
      for (const std::optional<std::string>& parameter : parameters_)
      {
        values.push_back(parameter ? parameter->c_str() : nullptr);
      }
      result_ = db_.Run(sql_, values, types_);
      row_ = -1;
    }
    if (PQresultStatus(result_) != PGRES_TUPLES_OK)
    {
      return false;
    }
    if (row_ < PQntuples(result_))
    {
      row_++;
    }
    return row_ < PQntuples(result_);
  }

  int PostgresStatementBackend::GetChanges()
  {
    const char* count = (result_ != nullptr ? PQcmdTuples(result_) : "");
    return count[0] == '\0' ? 0 : std::atoi(count);
  }

  void PostgresStatementBackend::Reset()
  {
    Finalize();
    for (std::optional<std::string>& parameter : parameters_)
    {
      parameter.reset();
    }
  }

  void PostgresStatementBackend::CheckColumn(int column) const
  {
    if (result_ == nullptr || row_ < 0 || row_ >= PQntuples(result_) || column < 0 ||
        column >= PQnfields(result_))
    {
      throw Error(ErrorKind::Internal, "No column " + std::to_string(column) + " to read in \"" + sql_ + "\"");
    }
  }

  bool PostgresStatementBackend::ColumnIsNull(int column)
  {
    CheckColumn(column);
    return PQgetisnull(result_, row_, column) != 0;
  }

  std::string PostgresStatementBackend::ColumnText(int column)
  {
    CheckColumn(column);
    return std::string(PQgetvalue(result_, row_, column),
                       static_cast<size_t>(PQgetlength(result_, row_, column)));
  }

  int64_t PostgresStatementBackend::ColumnInt64(int column)
  {
    const std::string text = ColumnText(column);
    if (text == "t" || text == "f")
    {
      return text == "t" ? 1 : 0;  // a boolean expression
    }
    return std::strtoll(text.c_str(), nullptr, 10);  // "" (NULL) reads 0, as in SQLite
  }

  bool PostgresStatementBackend::ColumnBool(int column)
  {
    return ColumnInt64(column) != 0;
  }
}
