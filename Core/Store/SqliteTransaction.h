// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/SqliteDatabase.h"

#include <mutex>
#include <string>

namespace DicomMail
{
  // A transaction (RAII): rolled back by the destructor unless Commit() was
  // called, so an exception anywhere in between leaves the database as it was.
  //
  // It holds the connection's lock for its whole life. The outermost one is
  // "BEGIN IMMEDIATE": it takes the write lock at once, so two connections can
  // never both read and then fail to upgrade (which SQLite reports as busy
  // without waiting). Nested ones become savepoints, so a store method that
  // uses a transaction can be called inside a caller's transaction.
  class SqliteTransaction
  {
  public:
    explicit SqliteTransaction(SqliteDatabase& db);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;

    void Commit();

  private:
    SqliteDatabase& db_;
    std::unique_lock<std::recursive_mutex> lock_;
    std::string savepoint_;  // empty for the outermost transaction
    bool done_;
  };
}
