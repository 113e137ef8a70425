// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/SqlDialect.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace DicomMail
{
  // What an engine does for one prepared statement; Statement wraps it with
  // the typed binds and reads the stores use. Parameters are numbered from 1,
  // columns from 0, as in SQLite.
  class StatementBackend
  {
  public:
    virtual ~StatementBackend() = default;

    virtual void BindText(int index, const std::string& value) = 0;
    virtual void BindInt64(int index, int64_t value) = 0;
    virtual void BindNull(int index) = 0;

    virtual bool Step() = 0;
    virtual int GetChanges() = 0;  // rows changed by the statement just run
    virtual void Reset() = 0;      // ready to run again, every parameter NULL
    virtual void Finalize() = 0;

    virtual bool ColumnIsNull(int column) = 0;
    virtual std::string ColumnText(int column) = 0;  // "" for NULL
    virtual int64_t ColumnInt64(int column) = 0;     // 0 for NULL
    virtual bool ColumnBool(int column) = 0;
  };

  // One connection to the plugin's records (RAII), shared by every thread of
  // the plugin: SQLite (a local file, the default) or PostgreSQL (shared by
  // several Orthancs). The stores see only this class, Statement and
  // Transaction; what differs between the engines' SQL is in Dialect().
  //
  // A transaction, or a statement stepped through several rows, belongs to
  // the connection, not to the thread. So the connection has one recursive
  // mutex. Whoever runs statements holds Lock() for the whole sequence
  // (Statement and Transaction do it by themselves); the stores do so in
  // every public method, and a caller may hold a Transaction around several
  // store calls to make a read-modify-write atomic.
  class Database
  {
  public:
    virtual ~Database() = default;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // The file, or the server and database name, for messages (never a
    // password).
    const std::string& GetPath() const
    {
      return path_;
    }

    const SqlDialect& Dialect() const
    {
      return dialect_;
    }

    std::unique_lock<std::recursive_mutex> Lock()
    {
      return std::unique_lock<std::recursive_mutex>(mutex_);
    }

    // Runs one or more SQL statements that take no parameters and return no
    // rows (schema changes, pragmas).
    virtual void Execute(const std::string& sql) = 0;

    // The schema version of StoreSchema, 0 for an empty database.
    virtual int GetUserVersion() = 0;
    virtual void SetUserVersion(int version) = 0;

    // Inside a transaction: waits until no other connection (another node)
    // is migrating, until the transaction ends.
    virtual void LockSchema() = 0;

    // For Statement.
    virtual std::unique_ptr<StatementBackend> Prepare(const std::string& sql) = 0;

  protected:
    Database(const std::string& path, const SqlDialect& dialect) :
      path_(path),
      dialect_(dialect),
      transactionDepth_(0)
    {
    }

    void SetPath(const std::string& path)
    {
      path_ = path;
    }

    // Under Lock(): whether a Transaction is open on this connection.
    bool InTransaction() const
    {
      return transactionDepth_ > 0;
    }

  private:
    friend class Transaction;

    std::string path_;
    SqlDialect dialect_;
    std::recursive_mutex mutex_;
    unsigned int transactionDepth_;  // nested Transaction objects, under mutex_
  };
}
