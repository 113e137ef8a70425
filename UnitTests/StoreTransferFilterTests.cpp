// SPDX-License-Identifier: GPL-3.0-or-later
// Filtered, paged transfer lists (GET /dicom-mail/outbox and /inbox with
// partner, state, from, to and setid): the SQL of the stores and the parsing
// of the query arguments.

#include "Core/Common/Error.h"
#include "Core/Http/TransferFilterArguments.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/KeyComparisonStore.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/SqliteDatabase.h"
#include "Core/Store/Statement.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <map>

using namespace DicomMail;

namespace
{
  OutboxTransfer Outgoing(const std::string& setId, const std::string& partner, const std::string& created,
                          const std::string& state)
  {
    OutboxTransfer t;
    t.setId = setId;
    t.partner = partner;
    t.recipient = partner + "@example.org";
    t.created = created;
    t.state = ParseTransferState(state);   // the text the REST filter names
    return t;
  }

  InboxTransfer Incoming(const std::string& setId, const std::string& partner, const std::string& received,
                         const std::string& state)
  {
    InboxTransfer t;
    t.setId = setId;
    t.partner = partner;
    t.senderAddress = partner + "@example.org";
    t.firstReceived = received;
    t.state = ParseInboxTransferState(state);
    return t;
  }

  template <typename Transfer>
  std::string Ids(const std::vector<Transfer>& transfers)
  {
    std::string ids;
    for (const Transfer& t : transfers)
    {
      ids += (ids.empty() ? "" : " ") + t.setId;
    }
    return ids;
  }

  // The query plan SQLite picks for a filtered list, to see that it uses an index.
  std::string Plan(SqliteDatabase& db, const std::string& table, const TransferFilter& filter,
                   const std::string& timeColumn)
  {
    const TransferFilterClause where(filter, timeColumn);
    Statement explain(db, "EXPLAIN QUERY PLAN SELECT set_id FROM " + table + where.GetSql() +
                            " ORDER BY " + timeColumn + " DESC, rowid DESC LIMIT ? OFFSET ?");
    const int next = where.Bind(explain, 1);
    explain.BindInt64(next, 10).BindInt64(next + 1, 0);
    std::string plan;
    while (explain.Step())
    {
      plan += explain.ColumnText(3) + "\n";
    }
    return plan;
  }

  TransferFilter Parse(const std::map<std::string, std::string>& arguments)
  {
    return ParseTransferFilter([&](const std::string& name)
    {
      auto found = arguments.find(name);
      return found == arguments.end() ? std::string() : found->second;
    }, OutboxStore::GetTransferStates());
  }

  std::string BadInput(const std::map<std::string, std::string>& arguments)
  {
    try
    {
      Parse(arguments);
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
      return e.what();
    }
    ADD_FAILURE() << "accepted";
    return "";
  }
}

class StoreTransferFilter : public StoreEngineTest
{
};

TEST_P(StoreTransferFilter, OutboxByPartnerStateDatesAndSetId)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  store.CreateTransfer(Outgoing("s1", "clinic", "2026-01-10T08:00:00Z", "acknowledged"), {});
  store.CreateTransfer(Outgoing("s2", "praxis", "2026-02-10T08:00:00Z", "failed"), {});
  store.CreateTransfer(Outgoing("s3", "clinic", "2026-03-10T08:00:00Z", "sending"), {});
  store.CreateTransfer(Outgoing("t4", "clinic", "2026-03-11T08:00:00Z", "failed"), {});

  EXPECT_EQ("t4 s3 s2 s1", Ids(store.ListTransfers(10, 0)));
  TransferFilter f;
  f.partner = "clinic";
  EXPECT_EQ("t4 s3 s1", Ids(store.ListTransfers(10, 0, f)));
  EXPECT_EQ("s3", Ids(store.ListTransfers(1, 1, f)));           // paging applies after the filter
  f.state = "failed";
  EXPECT_EQ("t4", Ids(store.ListTransfers(10, 0, f)));
  f = TransferFilter();
  f.from = "2026-02-01T00:00:00Z";
  f.to = "2026-03-10T08:00:00Z";                                // inclusive on both ends
  EXPECT_EQ("s3 s2", Ids(store.ListTransfers(10, 0, f)));
  f = TransferFilter();
  f.setIdPrefix = "s";
  EXPECT_EQ("s3 s2 s1", Ids(store.ListTransfers(10, 0, f)));
  f.setIdPrefix = "s2";
  EXPECT_EQ("s2", Ids(store.ListTransfers(10, 0, f)));
  f.partner = "nobody";
  EXPECT_EQ("", Ids(store.ListTransfers(10, 0, f)));
}

TEST_P(StoreTransferFilter, InboxByPartnerStateDatesAndSetId)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  InboxStore store(db);
  store.PutTransfer(Incoming("a1", "clinic", "2026-05-01T10:00:00Z", "complete"));
  store.PutTransfer(Incoming("a2", "praxis", "2026-05-02T10:00:00Z", "receiving"));
  store.PutTransfer(Incoming("b3", "clinic", "2026-05-03T10:00:00Z", "quarantined"));

  TransferFilter f;
  f.partner = "clinic";
  EXPECT_EQ("b3 a1", Ids(store.ListTransfers(10, 0, f)));
  f = TransferFilter();
  f.state = "receiving";
  EXPECT_EQ("a2", Ids(store.ListTransfers(10, 0, f)));
  f = TransferFilter();
  f.from = "2026-05-02T00:00:00Z";
  EXPECT_EQ("b3 a2", Ids(store.ListTransfers(10, 0, f)));
  f.setIdPrefix = "a";
  EXPECT_EQ("a2", Ids(store.ListTransfers(10, 0, f)));
  EXPECT_THROW(store.ListTransfers(10, 0, [] { TransferFilter bad; bad.to = "yesterday"; return bad; }()), Error);
}

// SQLite's query plans; PostgreSQL's planner picks by its statistics.
TEST(StoreTransferFilterSqlite, FiltersUseAnIndex)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  OutboxStore outbox(db);   // creates the schema
  TransferFilter f;
  f.partner = "clinic";
  EXPECT_NE(std::string::npos, Plan(db, "outbox_transfers", f, "created").find("outbox_transfers_by_partner"));
  EXPECT_NE(std::string::npos, Plan(db, "inbox_transfers", f, "first_received").find("inbox_transfers_by_partner"));
  f = TransferFilter();
  f.state = "failed";
  EXPECT_NE(std::string::npos, Plan(db, "outbox_transfers", f, "created").find("outbox_transfers_by_state"));
  f = TransferFilter();
  f.setIdPrefix = "abc";
  EXPECT_EQ(std::string::npos, Plan(db, "inbox_transfers", f, "first_received").find("SCAN inbox_transfers\n"));
}

TEST_P(StoreTransferFilter, QueryArguments)
{
  const TransferFilter none = Parse({});
  EXPECT_TRUE(none.partner.empty() && none.state.empty() && none.from.empty() && none.to.empty() &&
              none.setIdPrefix.empty());

  const TransferFilter all = Parse({ { "partner", "praxis-1" }, { "state", "failed" }, { "from", "2026-12-01" },
                                     { "to", "2026-12-07" }, { "setid", "1.2.276.0.7230010" } });
  EXPECT_EQ("praxis-1", all.partner);
  EXPECT_EQ("failed", all.state);
  EXPECT_EQ("2026-12-01T00:00:00Z", all.from);   // a day: from its first second...
  EXPECT_EQ("2026-12-07T23:59:59Z", all.to);     // ...to its last
  EXPECT_EQ("1.2.276.0.7230010", all.setIdPrefix);
  EXPECT_EQ("2026-12-07T05:00:00Z", Parse({ { "from", "2026-12-07T05:00:00Z" } }).from);

  EXPECT_NE(std::string::npos, BadInput({ { "state", "lost" } }).find("\"state\""));
  EXPECT_NE(std::string::npos, BadInput({ { "from", "07.12.2026" } }).find("\"from\""));
  EXPECT_NE(std::string::npos, BadInput({ { "to", "2026-13-01" } }).find("\"to\""));
  EXPECT_NE(std::string::npos, BadInput({ { "partner", "a'b" } }).find("\"partner\""));
  EXPECT_NE(std::string::npos, BadInput({ { "setid", std::string(201, 'x') } }).find("\"setid\""));
}

TEST_P(StoreTransferFilter, InboxRemembersTheStudiesOfATransfer)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  InboxStore store(db);
  EXPECT_TRUE(store.ListStudies("set-1").empty());
  store.RecordStudy("set-1", "study-b");
  store.RecordStudy("set-1", "study-a");
  store.RecordStudy("set-1", "study-b");   // another instance of the same study
  store.RecordStudy("set-2", "study-c");
  EXPECT_EQ((std::vector<std::string>{ "study-a", "study-b" }), store.ListStudies("set-1"));
  EXPECT_EQ((std::vector<std::string>{ "study-c" }), store.ListStudies("set-2"));
}

TEST_P(StoreTransferFilter, KeyComparisonIsRecordedWithWhoAndWhen)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  KeyComparisonStore store(db);
  const std::string fpr = "0123456789ABCDEF0123456789ABCDEF01234567";
  KeyComparison c;
  EXPECT_FALSE(store.Get(fpr, c));
  c.fingerprint = fpr;
  c.comparedBy = "Dr. Jürgen Weiß";
  c.method = "phone";
  store.Record(c);
  KeyComparison read;
  ASSERT_TRUE(store.Get(fpr, read));
  EXPECT_EQ("Dr. Jürgen Weiß", read.comparedBy);
  EXPECT_EQ("phone", read.method);
  EXPECT_EQ(20u, read.comparedAt.size());   // filled in: 2026-12-07T05:00:00Z
  c.comparedBy = "";
  EXPECT_THROW(store.Record(c), Error);
}

INSTANTIATE_STORE_ENGINES(StoreTransferFilter);
