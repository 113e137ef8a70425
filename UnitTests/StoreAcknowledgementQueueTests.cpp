// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Store/AcknowledgementQueueStore.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/Database.h"
#include "Core/Store/UtcTime.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <memory>

using namespace DicomMail;

namespace
{
  InboxMail MakeMail(const std::string& setId, unsigned int part)
  {
    InboxMail m;
    m.setId = setId;
    m.part = part;
    m.total = 12;
    m.messageId = "<" + setId + "." + std::to_string(part) + "@clinic.example>";
    m.account = "inbox";
    m.mailboxUid = "1700000000:" + std::to_string(part);
    m.state = InboxMailState::Imported;
    return m;
  }

  InboxTransfer MakeTransfer(const std::string& setId)
  {
    InboxTransfer t;
    t.setId = setId;
    t.partner = "clinic";
    t.senderAddress = "clinic@clinic.example";
    t.mailsExpected = 12;
    t.mailsReceived = 1;
    return t;
  }

  QueuedAcknowledgement MakeAcknowledgement(const std::string& setId, unsigned int part,
                                            const std::string& createdAt = "")
  {
    QueuedAcknowledgement a;
    a.recipient = "clinic@clinic.example";
    a.createdAt = createdAt;
    a.content.reportingUa = "referrer.example; Orthanc DICOM-Mail";
    a.content.finalRecipient = "referrer@referrer.example";
    a.content.originalMessageId = "<" + setId + "." + std::to_string(part) + "@clinic.example>";
    a.content.disposition = Disposition::DisplayedWarning;
    a.content.setId = setId;
    a.content.setPart = std::to_string(part);
    a.content.detail = "2 instances were already stored";
    return a;
  }

  bool MdnSent(InboxStore& inbox, int64_t mailId)
  {
    InboxMail m;
    EXPECT_TRUE(inbox.GetMail(mailId, m));
    return m.mdnSent;
  }

  // Both stores on one connection, as in the plugin.
  class StoreAcknowledgementQueue : public StoreEngineTest
  {
  protected:
    std::unique_ptr<Database> opened_ = Open();
    Database& db = *opened_;
    InboxStore inbox{db};
    AcknowledgementQueueStore queue{db};
  };
}

TEST_P(StoreAcknowledgementQueue, RecordedWithTheMailInOneTransaction)
{
  const QueuedAcknowledgement answer = MakeAcknowledgement("set.1", 1);
  InboxTransfer transfer = MakeTransfer("set.1");
  const int64_t mailId = inbox.RecordMailAndTransfer(MakeMail("set.1", 1), &transfer, &answer);

  const std::vector<QueuedAcknowledgement> pending = queue.ListPending(100);
  ASSERT_EQ(1u, pending.size());
  const QueuedAcknowledgement& got = pending[0];
  EXPECT_EQ(mailId, got.mailId);
  EXPECT_EQ("clinic@clinic.example", got.recipient);
  EXPECT_EQ(answer.content.originalMessageId, got.content.originalMessageId);
  EXPECT_EQ(Disposition::DisplayedWarning, got.content.disposition);
  EXPECT_EQ("set.1", got.content.setId);
  EXPECT_EQ("1", got.content.setPart);
  EXPECT_EQ(answer.content.detail, got.content.detail);
  EXPECT_EQ(answer.content.reportingUa, got.content.reportingUa);
  EXPECT_EQ(answer.content.finalRecipient, got.content.finalRecipient);
  EXPECT_TRUE(UtcTime::IsValid(got.createdAt));
  EXPECT_EQ(got.createdAt, got.nextAttemptAt);   // due at once
  EXPECT_EQ(0u, got.attempts);
  EXPECT_EQ("", got.sentAt);
  EXPECT_FALSE(MdnSent(inbox, mailId));

  // An acknowledgement that cannot be queued takes the mail and its transfer
  // with it: never one recorded as processed but unanswered.
  QueuedAcknowledgement broken = MakeAcknowledgement("set.2", 1);
  broken.recipient.clear();
  InboxTransfer other = MakeTransfer("set.2");
  EXPECT_THROW(inbox.RecordMailAndTransfer(MakeMail("set.2", 1), &other, &broken), Error);
  EXPECT_TRUE(inbox.ListMails("set.2").empty());
  InboxTransfer none;
  EXPECT_FALSE(inbox.GetTransfer("set.2", none));
  EXPECT_EQ(1u, queue.ListPending(100).size());

  // And a mail that cannot be recorded queues nothing.
  InboxMail invalid = MakeMail("set.3", 1);
  invalid.receivedAt = "yesterday";   // not a UTC instant: refused by the store
  const QueuedAcknowledgement third = MakeAcknowledgement("set.3", 1);
  EXPECT_THROW(inbox.RecordMailAndTransfer(invalid, nullptr, &third), Error);
  EXPECT_EQ(1u, queue.ListPending(100).size());

  // Without an acknowledgement (nobody to answer), nothing is queued.
  inbox.RecordMailAndTransfer(MakeMail("set.4", 1), nullptr);
  EXPECT_EQ(1u, queue.ListPending(100).size());
}

TEST_P(StoreAcknowledgementQueue, DueOnesOldestFirst)
{

  const int64_t a = queue.Add(MakeAcknowledgement("set.a", 1, "2026-11-28T04:00:00Z"));
  const int64_t b = queue.Add(MakeAcknowledgement("set.b", 1, "2026-11-28T04:00:00Z"));   // same second
  const int64_t c = queue.Add(MakeAcknowledgement("set.c", 1, "2026-11-28T04:00:05Z"));

  std::vector<QueuedAcknowledgement> due = queue.ListDue("2026-11-28T04:00:01Z", 100);
  ASSERT_EQ(2u, due.size());
  EXPECT_EQ(a, due[0].id);
  EXPECT_EQ(b, due[1].id);
  EXPECT_EQ(0u, queue.ListDue("2026-11-28T03:59:59Z", 100).size());

  due = queue.ListDue("2026-11-28T05:00:00Z", 2);
  ASSERT_EQ(2u, due.size());   // the limit keeps the oldest
  EXPECT_EQ(a, due[0].id);

  // A failed one moves back; the others stay in order.
  queue.RecordFailure(a, "421 try later", "2026-11-28T04:00:10Z", 10);
  due = queue.ListDue("2026-11-28T04:00:15Z", 100);
  ASSERT_EQ(2u, due.size());
  EXPECT_EQ(b, due[0].id);
  EXPECT_EQ(c, due[1].id);
  due = queue.ListDue("2026-11-28T04:00:20Z", 100);
  ASSERT_EQ(3u, due.size());
  EXPECT_EQ(a, due[0].id);   // due again: still the oldest

  EXPECT_THROW(queue.ListDue("yesterday", 100), Error);
  QueuedAcknowledgement noMessageId = MakeAcknowledgement("set.d", 1);
  noMessageId.content.originalMessageId.clear();
  EXPECT_THROW(queue.Add(noMessageId), Error);
}

TEST_P(StoreAcknowledgementQueue, BackoffDoublesAndIsNeverDropped)
{
  EXPECT_EQ(10, AcknowledgementQueueStore::BackoffDelay(10, 1));
  EXPECT_EQ(20, AcknowledgementQueueStore::BackoffDelay(10, 2));
  EXPECT_EQ(40, AcknowledgementQueueStore::BackoffDelay(10, 3));
  EXPECT_EQ(2560, AcknowledgementQueueStore::BackoffDelay(10, 9));
  EXPECT_EQ(3600, AcknowledgementQueueStore::BackoffDelay(10, 10));   // capped at an hour
  EXPECT_EQ(3600, AcknowledgementQueueStore::BackoffDelay(10, 1000));
  EXPECT_EQ(7200, AcknowledgementQueueStore::BackoffDelay(7200, 5));  // unless the delay is longer
  EXPECT_EQ(1, AcknowledgementQueueStore::BackoffDelay(0, 1));

  const int64_t id = queue.Add(MakeAcknowledgement("set.a", 1, "2026-11-28T04:00:00Z"));

  EXPECT_EQ("2026-11-28T04:00:11Z", queue.RecordFailure(id, "connection refused", "2026-11-28T04:00:01Z", 10));
  EXPECT_EQ("2026-11-28T04:00:31Z", queue.RecordFailure(id, "connection refused", "2026-11-28T04:00:11Z", 10));
  EXPECT_EQ("2026-11-28T04:01:11Z", queue.RecordFailure(id, "421 busy", "2026-11-28T04:00:31Z", 10));
  for (int i = 0; i < 50; i++)
  {
    queue.RecordFailure(id, "550 mailbox unavailable", "2026-11-28T05:00:00Z", 10);
  }

  QueuedAcknowledgement got;
  ASSERT_TRUE(queue.Get(id, got));
  EXPECT_EQ(53u, got.attempts);
  EXPECT_EQ("550 mailbox unavailable", got.lastError);
  EXPECT_EQ("2026-11-28T05:00:00Z", got.lastAttemptAt);
  EXPECT_EQ("2026-11-28T06:00:00Z", got.nextAttemptAt);
  EXPECT_EQ("", got.sentAt);
  EXPECT_EQ(1u, queue.ListPending(100).size());   // still there, and shown
  EXPECT_EQ("2026-11-28T06:00:00Z", queue.GetNextAttemptAt());

  const AcknowledgementQueueSummary summary = queue.Summarize();
  EXPECT_EQ(1u, summary.pending);
  EXPECT_EQ(1u, summary.failing);
  EXPECT_EQ(0u, summary.sent);
  EXPECT_EQ("2026-11-28T04:00:00Z", summary.oldestPending);
  EXPECT_EQ("550 mailbox unavailable", summary.lastError);
  EXPECT_EQ("2026-11-28T05:00:00Z", summary.lastErrorAt);
  EXPECT_EQ("2026-11-28T06:00:00Z", summary.nextAttemptAt);

  EXPECT_THROW(queue.RecordFailure(id + 1, "x", "2026-11-28T05:00:00Z", 10), Error);
  const std::string longError(5000, 'e');
  queue.RecordFailure(id, longError, "2026-11-28T05:00:00Z", 10);
  ASSERT_TRUE(queue.Get(id, got));
  EXPECT_LT(got.lastError.size(), 1000u);
}

TEST_P(StoreAcknowledgementQueue, MarkSentSetsTheMailsMdnSent)
{
  const QueuedAcknowledgement first = MakeAcknowledgement("set.1", 1);
  const QueuedAcknowledgement second = MakeAcknowledgement("set.1", 2);
  const int64_t mail1 = inbox.RecordMailAndTransfer(MakeMail("set.1", 1), nullptr, &first);
  const int64_t mail2 = inbox.RecordMailAndTransfer(MakeMail("set.1", 2), nullptr, &second);
  // A duplicate answered again belongs to no new mail record.
  const int64_t again = queue.Add(MakeAcknowledgement("set.1", 1));

  std::vector<QueuedAcknowledgement> pending = queue.ListPending(100);
  ASSERT_EQ(3u, pending.size());
  queue.RecordFailure(pending[0].id, "421 busy", UtcTime::Now(), 1);
  queue.MarkSent(pending[0].id, "2026-11-28T04:10:00Z");

  EXPECT_TRUE(MdnSent(inbox, mail1));
  EXPECT_FALSE(MdnSent(inbox, mail2));
  pending = queue.ListPending(100);
  ASSERT_EQ(2u, pending.size());
  EXPECT_EQ(mail2, pending[0].mailId);
  EXPECT_EQ(again, pending[1].id);
  EXPECT_EQ(0, pending[1].mailId);

  queue.MarkSent(again, "2026-11-28T04:10:01Z");
  EXPECT_FALSE(MdnSent(inbox, mail2));
  EXPECT_THROW(queue.MarkSent(again + 100, "2026-11-28T04:10:01Z"), Error);

  QueuedAcknowledgement got;
  ASSERT_TRUE(queue.Get(pending[1].id, got));
  EXPECT_EQ("2026-11-28T04:10:01Z", got.sentAt);
  EXPECT_TRUE(queue.ListDue("2030-01-01T00:00:00Z", 100).size() == 1);   // only mail 2's

  const AcknowledgementQueueSummary summary = queue.Summarize();
  EXPECT_EQ(1u, summary.pending);
  EXPECT_EQ(0u, summary.failing);   // the one that failed once was sent after all
  EXPECT_EQ(2u, summary.sent);
  EXPECT_EQ("", summary.lastError);
}

TEST_P(StoreAcknowledgementQueue, SurvivesReopeningTheDatabase)
{
  int64_t mailId = 0;
  int64_t failing = 0;
  {
    std::unique_ptr<Database> firstOpened = Open();
    Database& first = *firstOpened;
    const QueuedAcknowledgement answer = MakeAcknowledgement("set.1", 1);
    mailId = InboxStore(first).RecordMailAndTransfer(MakeMail("set.1", 1), nullptr, &answer);
    AcknowledgementQueueStore firstQueue(first);
    failing = firstQueue.Add(MakeAcknowledgement("set.1", 2, "2026-11-28T04:00:00Z"));
    firstQueue.RecordFailure(failing, "connection refused", "2026-11-28T04:00:01Z", 10);
  }   // as after a crash: nothing in memory survives

  std::unique_ptr<Database> secondOpened = Open();
  Database& second = *secondOpened;
  AcknowledgementQueueStore secondQueue(second);
  const std::vector<QueuedAcknowledgement> pending = secondQueue.ListPending(100);
  ASSERT_EQ(2u, pending.size());
  EXPECT_EQ(mailId, pending[0].mailId);   // in the order they were queued
  EXPECT_EQ(failing, pending[1].id);
  EXPECT_EQ(1u, pending[1].attempts);
  EXPECT_EQ("connection refused", pending[1].lastError);
  secondQueue.MarkSent(pending[0].id, UtcTime::Now());
  InboxStore secondInbox(second);
  EXPECT_TRUE(MdnSent(secondInbox, mailId));
  EXPECT_EQ(1u, secondQueue.Summarize().pending);
}

INSTANTIATE_STORE_ENGINES(StoreAcknowledgementQueue);
