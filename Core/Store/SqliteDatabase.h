// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

struct sqlite3;

namespace DicomMail
{
  // One SQLite connection (RAII), shared by every thread of the plugin.
  //
  // SQLite itself is opened in serialized mode, but that only makes single
  // calls safe: a transaction, or a statement stepped through several rows,
  // belongs to the connection, not to the thread. So the connection also has
  // one recursive mutex. Whoever runs statements holds Lock() for the whole
  // sequence (SqliteTransaction does it by itself); the stores do so in every
  // public method, and a caller may hold a SqliteTransaction around several
  // store calls to make a read-modify-write atomic.
  //
  // Settings applied at open: WAL journal (readers never block the writer),
  // synchronous=NORMAL (safe with WAL: a power cut can lose the last commits,
  // never corrupt the file), foreign keys on, busy timeout 5 s (for other
  // connections on the same file, e.g. a second process). A new file is
  // created with mode 0600: it names partners, addresses and study UIDs.
  class SqliteDatabase
  {
  public:
    explicit SqliteDatabase(const std::string& path);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    const std::string& GetPath() const
    {
      return path_;
    }

    std::unique_lock<std::recursive_mutex> Lock()
    {
      return std::unique_lock<std::recursive_mutex>(mutex_);
    }

    // Runs one or more SQL statements that take no parameters and return no
    // rows (schema changes, pragmas).
    void Execute(const std::string& sql);

    int GetUserVersion();
    void SetUserVersion(int version);

    // Of the last INSERT / UPDATE / DELETE on this connection: hold Lock()
    // across the statement and the call.
    int64_t GetLastInsertRowId();
    int GetChanges();

    // For SqliteStatement and SqliteTransaction.
    sqlite3* GetHandle()
    {
      return db_;
    }

    // Throws Error(Storage, "<context> in <path>: <sqlite message>").
    [[noreturn]] void Fail(const std::string& context);

  private:
    friend class SqliteTransaction;

    void SwitchToWal();

    std::string path_;
    sqlite3* db_;
    std::recursive_mutex mutex_;
    unsigned int transactionDepth_;  // nested SqliteTransaction objects, under mutex_
  };
}
