// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <mutex>
#include <string>

namespace DicomMail
{
  // A transaction (RAII): rolled back by the destructor unless Commit() was
  // called, so an exception anywhere in between leaves the database as it was.
  //
  // It holds the connection's lock for its whole life. The outermost one
  // begins as the dialect says (SQLite: "BEGIN IMMEDIATE", which takes the
  // write lock at once, so two connections can never both read and then fail
  // to upgrade). Nested ones become savepoints, so a store method that uses a
  // transaction can be called inside a caller's transaction.
  class Transaction
  {
  public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void Commit();

  private:
    Database& db_;
    std::unique_lock<std::recursive_mutex> lock_;
    std::string savepoint_;  // empty for the outermost transaction
    bool done_;
  };
}
