// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  class Statement;

  // What a list of transfers (outbox or inbox) is narrowed to; an empty field
  // does not filter. Only patient-free values: partner id, state, set id.
  struct TransferFilter
  {
    std::string partner;      // exact partner id
    std::string state;        // exact state
    std::string from;         // UtcTime, inclusive
    std::string to;           // UtcTime, inclusive
    std::string setIdPrefix;  // the set id or its beginning
    // Daily QA test transfers (#17) are not clinical: left out unless asked.
    enum class QaTests { Exclude, Include, Only } qaTests = QaTests::Exclude;
  };

  // Turns a TransferFilter into the WHERE clause of a SELECT over a transfer
  // table and binds its values, so both stores filter in SQL, on their
  // indexes, instead of the browser filtering a whole year of transfers.
  class TransferFilterClause
  {
  public:
    // "timeColumn" is the column the date range applies to (created,
    // first_received). Throws Error(BadInput) for a malformed time.
    TransferFilterClause(const TransferFilter& filter, const std::string& timeColumn);

    // " WHERE ...": at least the QA test condition.
    const std::string& GetSql() const
    {
      return sql_;
    }

    // Binds the values from parameter "first" on; returns the next free index.
    int Bind(Statement& statement, int first) const;

  private:
    TransferFilter filter_;
    std::string sql_;
  };
}
