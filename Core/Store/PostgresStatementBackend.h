// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <optional>
#include <string>
#include <vector>

typedef struct pg_result PGresult;

namespace DicomMail
{
  class PostgresDatabase;

  // One statement on PostgreSQL, for Statement: parameters are kept as text
  // (the server infers their types from the SQL) and sent when the first
  // Step() runs it; the rows come back at once and Step() walks them. The
  // stores' queries are bounded (LIMIT, one transfer), so that stays small.
  class PostgresStatementBackend : public StatementBackend
  {
  public:
    PostgresStatementBackend(PostgresDatabase& db, const std::string& sql);
    ~PostgresStatementBackend() override;
    PostgresStatementBackend(const PostgresStatementBackend&) = delete;
    PostgresStatementBackend& operator=(const PostgresStatementBackend&) = delete;

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
    std::optional<std::string>& Parameter(int index);
    void CheckColumn(int column) const;

    PostgresDatabase& db_;
    std::string sql_;
    std::vector<std::optional<std::string>> parameters_;
    std::vector<unsigned int> types_;
    PGresult* result_;
    int row_;
  };
}
