// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/Database.h"
#include "Core/Store/UtcTime.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

using namespace DicomMail;

namespace
{
  InboxTransfer MakeTransfer(const std::string& setId, const std::string& firstReceived)
  {
    InboxTransfer t;
    t.setId = setId;
    t.partner = "clinic";
    t.senderAddress = "gateway@clinic.example";
    t.signerFingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";
    t.mailsExpected = 3;
    t.mailsReceived = 1;
    t.instancesImported = 10;
    t.instancesFailed = 1;
    t.instancesAlreadyStored = 2;
    t.firstReceived = firstReceived;
    t.senderDate = "2026-11-28T04:15:02Z";
    t.lastImportAt = firstReceived;
    t.bytes = 123456789012ull;
    t.reasons = { "instance 1.2.3 failed: \"bad\" file", "second reason" };
    return t;
  }

  InboxMail MakeMail(const std::string& setId, unsigned int part, const std::string& state)
  {
    InboxMail m;
    m.setId = setId;
    m.part = part;
    m.total = 3;
    m.messageId = "msg-" + setId + "-" + std::to_string(part) + "@clinic.example";
    m.account = "imap-main";
    m.mailboxUid = "1700000000:" + std::to_string(part);
    m.state = ParseInboxMailState(state);
    m.bytes = 4096;
    return m;
  }

  FragmentRecord MakeFragment(const std::string& partialId, unsigned int number, unsigned int total,
                              const std::string& receivedAt)
  {
    FragmentRecord f;
    f.partialId = partialId;
    f.number = number;
    f.total = total;
    f.account = "pop-main";
    f.serverId = "UIDL-" + partialId + "-" + std::to_string(number);
    f.setId = "set-" + partialId;
    f.setPart = 4;
    f.receivedAt = receivedAt;
    f.path = "/var/lib/orthanc/dicom-mail/fragments/" + partialId + "." + std::to_string(number);
    f.bytes = 1000000000ull * number + 7;
    return f;
  }
}

class StoreInbox : public StoreEngineTest
{
};

TEST_P(StoreInbox, TransferPutGetAndReplace)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  InboxStore store(db);

  InboxTransfer t = MakeTransfer("set-1", "2026-11-28T04:20:00Z");
  store.PutTransfer(t);

  InboxTransfer got;
  ASSERT_TRUE(store.GetTransfer("set-1", got));
  EXPECT_EQ(t.partner, got.partner);
  EXPECT_EQ(t.senderAddress, got.senderAddress);
  EXPECT_EQ(t.signerFingerprint, got.signerFingerprint);
  EXPECT_EQ(3u, got.mailsExpected);
  EXPECT_EQ(1u, got.mailsReceived);
  EXPECT_EQ(10u, got.instancesImported);
  EXPECT_EQ(1u, got.instancesFailed);
  EXPECT_EQ(2u, got.instancesAlreadyStored);
  EXPECT_EQ("2026-11-28T04:20:00Z", got.firstReceived);
  EXPECT_EQ("", got.completedAt);
  EXPECT_EQ("2026-11-28T04:15:02Z", got.senderDate);
  EXPECT_EQ(123456789012ull, got.bytes);
  EXPECT_STREQ("receiving", ToString(got.state));
  EXPECT_EQ(t.reasons, got.reasons);

  t.mailsReceived = 3;
  t.state = InboxTransferState::CompleteWithWarnings;
  t.completedAt = "2026-11-28T04:30:00Z";
  t.reasons.push_back("third");
  store.PutTransfer(t);
  ASSERT_TRUE(store.GetTransfer("set-1", got));
  EXPECT_EQ(3u, got.mailsReceived);
  EXPECT_STREQ("complete-with-warnings", ToString(got.state));
  EXPECT_EQ("2026-11-28T04:30:00Z", got.completedAt);
  EXPECT_EQ(3u, got.reasons.size());
  EXPECT_EQ(1u, store.CountTransfers());

  EXPECT_FALSE(store.GetTransfer("set-2", got));

  EXPECT_THROW(ParseInboxTransferState("done"), Error);   // no such state reaches the store
  InboxTransfer bad = MakeTransfer("set-3", "");
  bad.senderDate = "Sat, 28 Nov 2026 04:15:02 +0000";  // must be converted by the caller
  EXPECT_THROW(store.PutTransfer(bad), Error);
  EXPECT_THROW(store.PutTransfer(MakeTransfer("", "")), Error);

  store.PutTransfer(MakeTransfer("set-4", ""));
  ASSERT_TRUE(store.GetTransfer("set-4", got));
  EXPECT_TRUE(UtcTime::IsValid(got.firstReceived));
}

TEST_P(StoreInbox, TransfersNewestFirst)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  InboxStore store(db);
  store.PutTransfer(MakeTransfer("old", "2026-01-01T00:00:00Z"));
  store.PutTransfer(MakeTransfer("new", "2026-06-01T00:00:00Z"));
  store.PutTransfer(MakeTransfer("mid", "2026-03-01T00:00:00Z"));
  store.PutTransfer(MakeTransfer("mid2", "2026-03-01T00:00:00Z"));
  store.PutTransfer(MakeTransfer("mid", "2026-03-01T00:00:00Z"));  // an update keeps its place

  std::vector<std::string> ids;
  for (const InboxTransfer& t : store.ListTransfers(100, 0))
  {
    ids.push_back(t.setId);
  }
  EXPECT_EQ((std::vector<std::string>{ "new", "mid2", "mid", "old" }), ids);
  const std::vector<InboxTransfer> page = store.ListTransfers(1, 3);
  ASSERT_EQ(1u, page.size());
  EXPECT_EQ("old", page[0].setId);
}

TEST_P(StoreInbox, MailsRecordUpdateAndDedup)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  InboxStore store(db);

  EXPECT_FALSE(store.HasProcessed("set-1", 1));
  const int64_t first = store.RecordMail(MakeMail("set-1", 1, "received"));
  EXPECT_GT(first, 0);
  EXPECT_FALSE(store.HasProcessed("set-1", 1));  // received, not yet imported

  InboxMail m;
  ASSERT_TRUE(store.GetMail(first, m));
  EXPECT_EQ(first, m.id);
  EXPECT_EQ("set-1", m.setId);
  EXPECT_EQ(1u, m.part);
  EXPECT_EQ(3u, m.total);
  EXPECT_EQ("imap-main", m.account);
  EXPECT_EQ("1700000000:1", m.mailboxUid);
  EXPECT_STREQ("received", ToString(m.state));
  EXPECT_TRUE(UtcTime::IsValid(m.receivedAt));
  EXPECT_FALSE(m.mdnSent);

  m.state = InboxMailState::Imported;
  m.processedAt = "2026-11-28T04:31:00Z";
  m.disposition = "automatic-action/MDN-sent-automatically;displayed";
  m.mdnSent = true;
  m.storedPath = "/kept/mail-1.eml";
  store.UpdateMail(m);

  InboxMail again;
  ASSERT_TRUE(store.GetMail(first, again));
  EXPECT_STREQ("imported", ToString(again.state));
  EXPECT_EQ("2026-11-28T04:31:00Z", again.processedAt);
  EXPECT_EQ(m.disposition, again.disposition);
  EXPECT_TRUE(again.mdnSent);
  EXPECT_EQ("/kept/mail-1.eml", again.storedPath);

  // The same mail arriving again is recognised; other parts are not.
  EXPECT_TRUE(store.HasProcessed("set-1", 1));
  EXPECT_FALSE(store.HasProcessed("set-1", 2));
  EXPECT_FALSE(store.HasProcessed("set-2", 1));

  // A failed try does not count: the resent mail must be processed.
  store.RecordMail(MakeMail("set-1", 2, "failed"));
  EXPECT_FALSE(store.HasProcessed("set-1", 2));
  store.RecordMail(MakeMail("set-1", 2, "warning"));
  EXPECT_TRUE(store.HasProcessed("set-1", 2));

  const std::vector<InboxMail> mails = store.ListMails("set-1");
  ASSERT_EQ(3u, mails.size());
  EXPECT_EQ(1u, mails[0].part);
  EXPECT_STREQ("failed", ToString(mails[1].state));
  EXPECT_STREQ("warning", ToString(mails[2].state));

  EXPECT_FALSE(store.GetMail(9999, m));
  InboxMail unknown = MakeMail("set-1", 1, "received");
  unknown.id = 9999;
  EXPECT_THROW(store.UpdateMail(unknown), Error);
  EXPECT_THROW(store.RecordMail(MakeMail("set-1", 1, "lost")), Error);
}

TEST_P(StoreInbox, Quarantine)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  InboxStore store(db);

  InboxMail older = MakeMail("", 0, "quarantined");
  older.receivedAt = "2026-11-01T00:00:00Z";
  older.reason = "signed by an untrusted key";
  older.storedPath = "/kept/a.eml";
  InboxMail newer = MakeMail("set-9", 1, "quarantined");
  newer.receivedAt = "2026-11-02T00:00:00Z";
  store.RecordMail(older);
  store.RecordMail(MakeMail("set-8", 1, "imported"));
  store.RecordMail(newer);

  const std::vector<InboxMail> q = store.ListQuarantined();
  ASSERT_EQ(2u, q.size());
  EXPECT_EQ("set-9", q[0].setId);
  EXPECT_EQ("", q[1].setId);
  EXPECT_EQ("signed by an untrusted key", q[1].reason);
  EXPECT_EQ("/kept/a.eml", q[1].storedPath);
}

// Anyone can send mail: records of mail never authenticated are bounded,
// the oldest go first, and authenticated records are never touched by it.
TEST_P(StoreInbox, RecordsOfUnauthenticatedMailAreBounded)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  InboxStore store(db);
  store.SetUnauthenticatedMailLimit(3);

  store.RecordMail(MakeMail("set-1", 1, "imported"));
  std::vector<int64_t> strangers;
  for (unsigned int i = 0; i < 7; i++)
  {
    InboxMail m = MakeMail("", 0, i % 2 == 0 ? "rejected" : "quarantined");
    m.reason = "stranger " + std::to_string(i);
    strangers.push_back(store.RecordMail(m));
  }
  store.RecordMail(MakeMail("set-2", 1, "imported"));

  const std::vector<InboxMail> all = store.ListRecentMails(100);
  ASSERT_EQ(5u, all.size());   // 2 authenticated + the newest 3 of 7
  std::vector<std::string> reasons;
  for (const InboxMail& m : all)
  {
    if (m.setId.empty())
    {
      reasons.push_back(m.reason);
    }
  }
  EXPECT_EQ(std::vector<std::string>({ "stranger 6", "stranger 5", "stranger 4" }), reasons);
  InboxMail kept;
  EXPECT_TRUE(store.GetMail(strangers.back(), kept));
  EXPECT_FALSE(store.GetMail(strangers.front(), kept));
  EXPECT_TRUE(store.HasProcessed("set-1", 1));
  EXPECT_TRUE(store.HasProcessed("set-2", 1));
}

TEST_P(StoreInbox, SeenMessagesPerAccountSurviveReopen)
{
  {
    std::unique_ptr<Database> dbOpened = Open();
    Database& db = *dbOpened;
    InboxStore store(db);
    EXPECT_FALSE(store.IsSeen("pop-main", "UIDL-1"));
    store.MarkSeen("pop-main", "UIDL-1", "imported");
    store.MarkSeen("pop-main", "UIDL-2", "rejected");
    store.MarkSeen("imap-main", "1700000000:5", "imported");
    store.MarkSeen("pop-main", "UIDL-2", "imported");  // overwrites
  }
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  InboxStore store(db);
  EXPECT_TRUE(store.IsSeen("pop-main", "UIDL-1"));
  EXPECT_FALSE(store.IsSeen("imap-main", "UIDL-1"));  // per account
  EXPECT_FALSE(store.IsSeen("pop-main", "UIDL-3"));

  std::string outcome;
  ASSERT_TRUE(store.GetSeenOutcome("pop-main", "UIDL-2", outcome));
  EXPECT_EQ("imported", outcome);
  EXPECT_FALSE(store.GetSeenOutcome("pop-main", "UIDL-9", outcome));

  EXPECT_EQ(1u, store.ForgetSeenExcept("pop-main", { "UIDL-2", "UIDL-7" }));
  EXPECT_FALSE(store.IsSeen("pop-main", "UIDL-1"));
  EXPECT_TRUE(store.IsSeen("pop-main", "UIDL-2"));
  EXPECT_TRUE(store.IsSeen("imap-main", "1700000000:5"));  // other account untouched
}

TEST_P(StoreInbox, FragmentsIgnoreDuplicatesAndListInOrder)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  InboxStore store(db);

  EXPECT_TRUE(store.AddFragment(MakeFragment("p1", 3, 3, "2026-11-28T04:00:03Z")));
  EXPECT_TRUE(store.AddFragment(MakeFragment("p1", 1, 0, "2026-11-28T04:00:01Z")));
  FragmentRecord duplicate = MakeFragment("p1", 1, 0, "2026-11-28T04:09:00Z");
  duplicate.path = "/elsewhere";
  EXPECT_FALSE(store.AddFragment(duplicate));  // same id + number: ignored
  EXPECT_TRUE(store.AddFragment(MakeFragment("p2", 1, 0, "2026-11-28T04:00:05Z")));

  const std::vector<FragmentRecord> p1 = store.ListFragments("p1");
  ASSERT_EQ(2u, p1.size());
  EXPECT_EQ(1u, p1[0].number);
  EXPECT_EQ(3u, p1[1].number);
  EXPECT_EQ(MakeFragment("p1", 1, 0, "").path, p1[0].path);  // the first copy kept
  EXPECT_EQ("2026-11-28T04:00:01Z", p1[0].receivedAt);
  EXPECT_EQ("pop-main", p1[0].account);
  EXPECT_EQ("UIDL-p1-1", p1[0].serverId);
  EXPECT_EQ("set-p1", p1[0].setId);
  EXPECT_EQ(4u, p1[0].setPart);
  EXPECT_EQ(3u, p1[1].total);
  EXPECT_EQ(MakeFragment("p1", 3, 3, "").bytes, p1[1].bytes);

  EXPECT_THROW(store.AddFragment(MakeFragment("p3", 0, 2, "")), Error);
  EXPECT_THROW(store.AddFragment(MakeFragment("p3", 3, 2, "")), Error);
  EXPECT_THROW(store.AddFragment(MakeFragment("", 1, 2, "")), Error);

  EXPECT_EQ(2u, store.RemoveFragments("p1"));
  EXPECT_TRUE(store.ListFragments("p1").empty());
  EXPECT_EQ(0u, store.RemoveFragments("p1"));
  EXPECT_EQ(1u, store.ListFragments("p2").size());
}

TEST_P(StoreInbox, IncompleteFragmentsOlderThan)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  InboxStore store(db);

  // "missing": 2 of 3, old. "complete": 2 of 2, old. "unknown-total": no
  // total seen yet, old. "recent": 1 of 2, but only just begun.
  store.AddFragment(MakeFragment("missing", 1, 0, "2026-11-28T01:00:00Z"));
  store.AddFragment(MakeFragment("missing", 3, 3, "2026-11-28T01:05:00Z"));
  store.AddFragment(MakeFragment("complete", 2, 2, "2026-11-28T00:30:00Z"));
  store.AddFragment(MakeFragment("complete", 1, 0, "2026-11-28T00:31:00Z"));
  store.AddFragment(MakeFragment("unknown-total", 1, 0, "2026-11-28T00:10:00Z"));
  store.AddFragment(MakeFragment("recent", 1, 2, "2026-11-28T03:00:00Z"));

  EXPECT_EQ((std::vector<std::string>{ "unknown-total", "missing" }),
            store.ListIncompleteOlderThan("2026-11-28T02:00:00Z"));
  EXPECT_EQ((std::vector<std::string>{ "unknown-total", "missing", "recent" }),
            store.ListIncompleteOlderThan("2026-11-28T05:00:00Z"));
  EXPECT_TRUE(store.ListIncompleteOlderThan("2026-11-28T00:00:00Z").empty());
  EXPECT_THROW(store.ListIncompleteOlderThan("later"), Error);
}

INSTANTIATE_STORE_ENGINES(StoreInbox);
