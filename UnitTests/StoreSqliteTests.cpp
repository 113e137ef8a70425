// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Store/PartnerStore.h"
#include "Core/Store/SqliteDatabase.h"
#include "Core/Store/Statement.h"
#include "Core/Store/Transaction.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/UtcTime.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace DicomMail;

namespace
{
  // A fresh directory per test, removed with everything in it (the database
  // and its -wal / -shm companions).
  int64_t QueryInt(SqliteDatabase& db, const std::string& sql)
  {
    Statement statement(db, sql);
    EXPECT_TRUE(statement.Step()) << sql;
    return statement.ColumnInt64(0);
  }

  void CreateNumbers(SqliteDatabase& db)
  {
    db.Execute("CREATE TABLE numbers (n INTEGER)");
  }

  void InsertNumber(SqliteDatabase& db, int64_t n)
  {
    Statement insert(db, "INSERT INTO numbers (n) VALUES (?)");
    insert.BindInt64(1, n);
    EXPECT_EQ(1, insert.Run());
  }
}

TEST(StoreSqlite, OpenSetsWalForeignKeysAndPrivateMode)
{
  TempDirectory dir;
  const std::string path = dir.File("records.db");
  SqliteDatabase db(path);

  Statement journal(db, "PRAGMA journal_mode");
  ASSERT_TRUE(journal.Step());
  EXPECT_EQ("wal", journal.ColumnText(0));
  journal.Finalize();

  EXPECT_EQ(1, QueryInt(db, "PRAGMA foreign_keys"));
  EXPECT_EQ(5000, QueryInt(db, "PRAGMA busy_timeout"));
  EXPECT_EQ(1, QueryInt(db, "PRAGMA synchronous"));  // NORMAL

  struct stat info;
  ASSERT_EQ(0, stat(path.c_str(), &info));
  EXPECT_EQ(0600u, info.st_mode & 0777u);
}

TEST(StoreSqlite, OpenFailsWithStorageErrorNamingThePath)
{
  try
  {
    SqliteDatabase db("/nonexistent-dir/records.db");
    FAIL() << "opened a database in a missing directory";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Storage, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("/nonexistent-dir/records.db"));
  }
}

TEST(StoreSqlite, ErrorsCarrySqliteMessage)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  try
  {
    db.Execute("SELECT * FROM no_such_table");
    FAIL();
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Storage, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("no such table: no_such_table")) << e.what();
  }

  try
  {
    Statement bad(db, "SELEC 1");
    FAIL();
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Storage, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("syntax error")) << e.what();
  }

  db.Execute("CREATE TABLE unique_names (name TEXT PRIMARY KEY)");
  Statement insert(db, "INSERT INTO unique_names VALUES ('a')");
  insert.Run();
  insert.Reset();
  try
  {
    insert.Run();
    FAIL();
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Storage, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("UNIQUE constraint failed")) << e.what();
  }
}

TEST(StoreSqlite, StatementBindsAndReadsEveryType)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  db.Execute("CREATE TABLE t (s TEXT, i INTEGER, u INTEGER, b INTEGER, l TEXT, z TEXT)");

  const std::string binary("a\0b\xc3\xa9", 5);
  const std::vector<std::string> list = { "1.2.840.10008.1", "quote\" backslash\\ ", "", "\xc3\xa9t\xc3\xa9",
                                          "not UTF-8: \xff\xfe", "control \x01\n" };
  Statement insert(db, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)");
  insert.BindText(1, binary).BindInt64(2, -42).BindUint64(3, 9000000000000000000ull)
    .BindBool(4, true).BindStringList(5, list).BindNull(6);
  insert.Run();

  Statement select(db, "SELECT s, i, u, b, l, z, l IS NULL FROM t");
  ASSERT_TRUE(select.Step());
  EXPECT_EQ(binary, select.ColumnText(0));
  EXPECT_EQ(-42, select.ColumnInt64(1));
  EXPECT_EQ(9000000000000000000ull, select.ColumnUint64(2));
  EXPECT_TRUE(select.ColumnBool(3));
  EXPECT_EQ(list, select.ColumnStringList(4));
  EXPECT_TRUE(select.ColumnIsNull(5));
  EXPECT_EQ("", select.ColumnText(5));
  EXPECT_TRUE(select.ColumnStringList(5).empty());
  EXPECT_FALSE(select.ColumnIsNull(4));
  EXPECT_FALSE(select.Step());

  // Negative numbers are not a valid unsigned value.
  Statement negative(db, "SELECT i FROM t");
  ASSERT_TRUE(negative.Step());
  EXPECT_THROW(negative.ColumnUint64(0), Error);

  // SQLite integers are signed 64-bit.
  Statement tooLarge(db, "SELECT ?");
  EXPECT_THROW(tooLarge.BindUint64(1, 18446744073709551615ull), Error);
}

TEST(StoreSqlite, StringListRejectsMalformedJson)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  for (const char* text : { "not json", "{\"a\": 1}", "[1, 2]" })
  {
    Statement select(db, "SELECT ?");
    select.BindText(1, text);
    ASSERT_TRUE(select.Step());
    try
    {
      select.ColumnStringList(0);
      FAIL() << text;
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::Storage, e.GetKind());
    }
  }
}

TEST(StoreSqlite, TransactionCommitsOrRollsBack)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  CreateNumbers(db);

  {
    Transaction transaction(db);
    InsertNumber(db, 1);
    transaction.Commit();
  }
  {
    Transaction transaction(db);
    InsertNumber(db, 2);
    // no Commit(): rolled back
  }
  try
  {
    Transaction transaction(db);
    InsertNumber(db, 3);
    throw Error(ErrorKind::Internal, "fails half-way");
  }
  catch (const Error&)
  {
  }
  EXPECT_EQ(1, QueryInt(db, "SELECT COUNT(*) FROM numbers"));
  EXPECT_EQ(1, QueryInt(db, "SELECT n FROM numbers"));

  Transaction twice(db);
  twice.Commit();
  EXPECT_THROW(twice.Commit(), Error);
}

TEST(StoreSqlite, NestedTransactionsAreSavepoints)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  CreateNumbers(db);

  {
    Transaction outer(db);
    InsertNumber(db, 1);
    {
      Transaction inner(db);
      InsertNumber(db, 2);
      // rolled back alone
    }
    {
      Transaction inner(db);
      InsertNumber(db, 3);
      inner.Commit();
    }
    outer.Commit();
  }
  EXPECT_EQ(4, QueryInt(db, "SELECT SUM(n) FROM numbers"));

  {
    Transaction outer(db);
    {
      Transaction inner(db);
      InsertNumber(db, 100);
      inner.Commit();
    }
    // the outer one is not committed: the inner commit goes too
  }
  EXPECT_EQ(4, QueryInt(db, "SELECT SUM(n) FROM numbers"));

  // The depth is back to zero: a new outermost transaction works.
  Transaction again(db);
  InsertNumber(db, 10);
  again.Commit();
  EXPECT_EQ(14, QueryInt(db, "SELECT SUM(n) FROM numbers"));
}

TEST(StoreSqlite, DataSurvivesReopen)
{
  TempDirectory dir;
  const std::string path = dir.File("records.db");
  {
    SqliteDatabase db(path);
    CreateNumbers(db);
    InsertNumber(db, 7);
  }
  SqliteDatabase db(path);
  EXPECT_EQ(7, QueryInt(db, "SELECT n FROM numbers"));
}

TEST(StoreSqlite, MigratesAnEmptyFile)
{
  TempDirectory dir;
  const std::string path = dir.File("records.db");
  std::ofstream(path).close();  // exists, zero bytes
  ASSERT_EQ(0u, std::filesystem::file_size(path));

  SqliteDatabase db(path);
  EXPECT_EQ(0, db.GetUserVersion());
  StoreSchema::Migrate(db);
  EXPECT_EQ(StoreSchema::LatestVersion(), db.GetUserVersion());
  EXPECT_GE(StoreSchema::LatestVersion(), 1);

  for (const char* table : { "partners", "outbox_transfers", "outbox_mails", "inbox_transfers",
                             "inbox_mails", "seen_messages", "fragments", "routing_sent",
                             "routing_received" })
  {
    Statement exists(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
    exists.BindText(1, table);
    ASSERT_TRUE(exists.Step());
    EXPECT_EQ(1, exists.ColumnInt64(0)) << table;
  }

  // A second migration changes nothing.
  StoreSchema::Migrate(db);
  EXPECT_EQ(StoreSchema::LatestVersion(), db.GetUserVersion());
}

TEST(StoreSqlite, StoresMigrateWhenOpened)
{
  TempDirectory dir;
  const std::string path = dir.File("records.db");
  {
    SqliteDatabase db(path);
    PartnerStore partners(db);
    PartnerRecord partner;
    partner.name = "clinic";
    partners.Put(partner);
  }
  SqliteDatabase db(path);
  EXPECT_EQ(StoreSchema::LatestVersion(), db.GetUserVersion());
  PartnerStore partners(db);
  EXPECT_EQ(1u, partners.List().size());
}

TEST(StoreSqlite, RefusesASchemaFromTheFuture)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  db.SetUserVersion(StoreSchema::LatestVersion() + 1);
  try
  {
    StoreSchema::Migrate(db);
    FAIL();
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Storage, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("newer")) << e.what();
  }
  EXPECT_THROW(PartnerStore partners(db), Error);
}

TEST(StoreSqlite, UtcTimeFormatsAndParses)
{
  EXPECT_EQ("1970-01-01T00:00:00Z", UtcTime::FromUnix(0));
  EXPECT_EQ("2026-11-28T04:15:02Z", UtcTime::FromUnix(1795839302));
  EXPECT_EQ(1795839302, UtcTime::ToUnix("2026-11-28T04:15:02Z"));
  EXPECT_TRUE(UtcTime::IsValid(UtcTime::Now()));
  EXPECT_LT(UtcTime::FromUnix(999999999), UtcTime::FromUnix(1000000000));  // string order = time order

  for (const char* bad : { "", "2026-11-28 04:15:02Z", "2026-11-28T04:15:02", "2026-11-28T04:15:02+01:00",
                           "2026-13-28T04:15:02Z", "2026-11-28T24:15:02Z", "2026-11-28T04:15:02.5Z" })
  {
    EXPECT_FALSE(UtcTime::IsValid(bad)) << bad;
    EXPECT_THROW(UtcTime::ToUnix(bad), Error) << bad;
  }
  EXPECT_NO_THROW(UtcTime::Check("", "time", true));
  EXPECT_THROW(UtcTime::Check("", "time", false), Error);
}
