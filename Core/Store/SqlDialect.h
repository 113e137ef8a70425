// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  enum class DatabaseEngine
  {
    SQLite,
    PostgreSQL
  };

  // The few places where SQLite's and PostgreSQL's SQL differ. The stores
  // write SQL both accept (ON CONFLICT ... DO NOTHING / DO UPDATE, RETURNING,
  // CASE instead of summing booleans, integers 0/1 for flags, "?" or "?N"
  // parameters); what remains is here.
  class SqlDialect
  {
  public:
    explicit SqlDialect(DatabaseEngine engine) :
      engine_(engine)
    {
    }

    DatabaseEngine GetEngine() const
    {
      return engine_;
    }

    // Opens the outermost transaction, which holds the database's write
    // lock until it ends: SQLite's, taken at once so two connections never
    // both read and then fail to upgrade; on PostgreSQL an advisory lock
    // with the same effect for every connection of every node.
    std::string Begin() const;

    // The schema's DDL is written for SQLite (StoreSchema). For PostgreSQL:
    // INTEGER becomes BIGINT (SQLite's integers are 64-bit), "INTEGER
    // PRIMARY KEY" an identity column (SQLite's rowid alias), and every table
    // gets an identity column "rowid", which SQLite has implicitly and the
    // stores use to order rows inserted within the same second.
    std::string Schema(const std::string& ddl) const;

    // Ends the SELECT that picks rows to claim (#18): on PostgreSQL it locks
    // the rows of "alias" it picks and passes over those another node's
    // claim holds at that moment, so two nodes claiming at once take
    // different rows instead of waiting for each other. Nothing on SQLite,
    // whose one writer at a time makes the claiming UPDATE atomic already.
    std::string SkipLocked(const std::string& alias) const;

  private:
    DatabaseEngine engine_;
  };
}
