// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/SqliteDatabase.h"

#include "Core/Common/Error.h"
#include "Core/Store/DatabaseErrors.h"
#include "Core/Store/SqliteStatementBackend.h"
#include "Core/Store/Statement.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sqlite3.h>
#include <thread>
#include <unistd.h>

namespace DicomMail
{
  namespace
  {
    const int kBusyTimeoutMs = 5000;

    // SQLite would create the file with the umask's mode (usually 0644); the
    // -wal and -shm files then copy the main file's mode.
    void CreatePrivateFile(const std::string& path)
    {
      const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0)
      {
        throw Error(ErrorKind::Storage, "Cannot create database " + path + ": " + strerror(errno));
      }
      close(fd);
    }
  }

  SqliteDatabase::SqliteDatabase(const std::string& path) :
    Database(path, SqlDialect(DatabaseEngine::SQLite)),
    db_(nullptr)
  {
    if (path.empty())
    {
      throw Error(ErrorKind::Configuration, "No path given for the database");
    }
    CreatePrivateFile(path);

    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK)
    {
      const std::string message = (db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory");
      sqlite3_close_v2(db_);
      throw Error(ErrorKind::Storage, "Cannot open database " + path + ": " + message);
    }

    try
    {
      sqlite3_extended_result_codes(db_, 1);
      sqlite3_busy_timeout(db_, kBusyTimeoutMs);

      SwitchToWal();

      Execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    }
    catch (...)
    {
      sqlite3_close_v2(db_);
      throw;
    }
  }

  void SqliteDatabase::SwitchToWal()
  {
    // Two connections opening a new file at once: the switch needs the file
    // to itself, and SQLite answers "locked" at once rather than calling the
    // busy handler when waiting could deadlock. So it is tried again here,
    // within the same time a busy statement would wait.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    for (;;)
    {
      try
      {
        // journal_mode answers with the mode in force: "wal" unless the file
        // system cannot do it (e.g. some network file systems).
        Statement journal(*this, "PRAGMA journal_mode=WAL");
        if (!journal.Step() || journal.ColumnText(0) != "wal")
        {
          throw Error(ErrorKind::Storage, "Cannot switch database " + GetPath() + " to WAL journal mode");
        }
        journal.Finalize();
        return;
      }
      catch (const Error& e)
      {
        const bool busy = (sqlite3_extended_errcode(db_) & 0xff) == SQLITE_BUSY ||
          std::strstr(e.what(), "database is locked") != nullptr;
        if (!busy || std::chrono::steady_clock::now() >= deadline)
        {
          throw;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  SqliteDatabase::~SqliteDatabase()
  {
    // close_v2 defers the close if a statement was leaked instead of failing.
    sqlite3_close_v2(db_);
  }

  void SqliteDatabase::Fail(const std::string& context)
  {
    const std::string message = context + " in database " + GetPath() + ": " + sqlite3_errmsg(db_);
    const int code = sqlite3_extended_errcode(db_);
    if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      throw UniqueViolation(message);
    }
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
    {
      throw DatabaseBusy(message);
    }
    throw Error(ErrorKind::Storage, message);
  }

  std::unique_ptr<StatementBackend> SqliteDatabase::Prepare(const std::string& sql)
  {
    return std::make_unique<SqliteStatementBackend>(*this, sql);
  }

  void SqliteDatabase::Execute(const std::string& sql)
  {
    auto lock = Lock();
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK)
    {
      const std::string text = (message != nullptr ? message : sqlite3_errmsg(db_));
      sqlite3_free(message);
      throw Error(ErrorKind::Storage, "SQL error in database " + GetPath() + ": " + text);
    }
  }

  int SqliteDatabase::GetUserVersion()
  {
    auto lock = Lock();
    Statement statement(*this, "PRAGMA user_version");
    if (!statement.Step())
    {
      Fail("Cannot read the schema version");
    }
    return static_cast<int>(statement.ColumnInt64(0));
  }

  void SqliteDatabase::SetUserVersion(int version)
  {
    // A pragma takes no bound parameter; the value is an int, so no injection.
    Execute("PRAGMA user_version=" + std::to_string(version));
  }
}
