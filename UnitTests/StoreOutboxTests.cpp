// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/Database.h"
#include "Core/Store/Statement.h"
#include "Core/Store/UtcTime.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>

using namespace DicomMail;

namespace
{
  OutboxTransfer MakeTransfer(const std::string& setId, const std::string& created = "")
  {
    OutboxTransfer t;
    t.setId = setId;
    t.partner = "clinic";
    t.recipient = "pacs@clinic.example";
    t.studyInstanceUids = { "1.2.3.4", "1.2.3.5" };
    t.resources = { "8a8cf898-ca27c490-d0c7058c-929d0581-2bbf104d" };
    t.created = created;
    t.totalInstances = 12;
    t.totalMails = 3;
    t.jobId = "job-" + setId;
    return t;
  }

  std::vector<OutboxMail> MakeMails(unsigned int count)
  {
    std::vector<OutboxMail> mails;
    for (unsigned int part = 1; part <= count; part++)
    {
      OutboxMail m;
      m.part = part;
      m.instances = { "inst-" + std::to_string(part) + "-a", "inst-" + std::to_string(part) + "-b" };
      mails.push_back(m);
    }
    return mails;
  }

  std::string RecordAck(OutboxStore& store, const std::string& setId, unsigned int part,
                        const std::string& disposition, const std::string& when)
  {
    return ToString(store.RecordAck(setId, part, disposition, when));
  }

  std::string StateForDisposition(const std::string& disposition)
  {
    return ToString(OutboxStates::ForDisposition(disposition));
  }

  OutboxMail GetMail(OutboxStore& store, const std::string& setId, unsigned int part)
  {
    OutboxTransfer t;
    std::vector<OutboxMail> mails;
    EXPECT_TRUE(store.GetTransfer(setId, t, mails));
    for (const OutboxMail& m : mails)
    {
      if (m.part == part)
      {
        return m;
      }
    }
    ADD_FAILURE() << "no part " << part;
    return OutboxMail();
  }

  ErrorKind KindOf(const std::function<void()>& f)
  {
    try
    {
      f();
    }
    catch (const Error& e)
    {
      return e.GetKind();
    }
    return ErrorKind::Internal;  // "did not throw" for these tests
  }
}

class StoreOutbox : public StoreEngineTest
{
};

TEST_P(StoreOutbox, CreateAndGetRoundTrip)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);

  const std::string before = UtcTime::Now();
  store.CreateTransfer(MakeTransfer("set-1"), MakeMails(3));

  OutboxTransfer t;
  std::vector<OutboxMail> mails;
  ASSERT_TRUE(store.GetTransfer("set-1", t, mails));
  EXPECT_EQ("set-1", t.setId);
  EXPECT_EQ("clinic", t.partner);
  EXPECT_EQ("pacs@clinic.example", t.recipient);
  EXPECT_EQ((std::vector<std::string>{ "1.2.3.4", "1.2.3.5" }), t.studyInstanceUids);
  EXPECT_EQ(MakeTransfer("x").resources, t.resources);
  EXPECT_GE(t.created, before);  // filled in with "now"
  EXPECT_TRUE(UtcTime::IsValid(t.created));
  EXPECT_EQ("", t.finished);
  EXPECT_EQ("pending", ToString(t.state));
  EXPECT_EQ(12u, t.totalInstances);
  EXPECT_EQ(3u, t.totalMails);
  EXPECT_EQ(0u, t.bytesSent);
  EXPECT_EQ("job-set-1", t.jobId);
  EXPECT_TRUE(t.acknowledgementsRequested);

  ASSERT_EQ(3u, mails.size());
  for (unsigned int i = 0; i < 3; i++)
  {
    EXPECT_EQ("set-1", mails[i].setId);  // taken from the transfer
    EXPECT_EQ(i + 1, mails[i].part);
    EXPECT_EQ("pending", ToString(mails[i].state));
    EXPECT_EQ(MakeMails(3)[i].instances, mails[i].instances);
    EXPECT_EQ(0u, mails[i].attempts);
  }

  EXPECT_FALSE(store.GetTransfer("set-unknown", t, mails));
}

TEST_P(StoreOutbox, CreateRejectsDuplicatesAndBadValues)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  store.CreateTransfer(MakeTransfer("set-1"), MakeMails(1));

  EXPECT_EQ(ErrorKind::BadInput, KindOf([&] { store.CreateTransfer(MakeTransfer("set-1"), MakeMails(1)); }));

  std::vector<OutboxMail> twice = MakeMails(2);
  twice[1].part = 1;
  EXPECT_EQ(ErrorKind::BadInput, KindOf([&] { store.CreateTransfer(MakeTransfer("set-2"), twice); }));

  std::vector<OutboxMail> zero = MakeMails(1);
  zero[0].part = 0;
  EXPECT_EQ(ErrorKind::BadInput, KindOf([&] { store.CreateTransfer(MakeTransfer("set-3"), zero); }));

  // States are enums now: an unknown one can only come as text, from the database.
  EXPECT_EQ(ErrorKind::BadInput, KindOf([&] { ParseTransferState("delivered"); }));

  OutboxTransfer badTime = MakeTransfer("set-5", "yesterday");
  EXPECT_EQ(ErrorKind::BadInput, KindOf([&] { store.CreateTransfer(badTime, MakeMails(1)); }));

  EXPECT_EQ(1u, store.CountTransfers());
}

TEST_P(StoreOutbox, CreateIsAllOrNothing)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);

  // The third mail fails while being inserted (value too large for SQLite):
  // the transfer and the first two mails must be gone too.
  std::vector<OutboxMail> mails = MakeMails(3);
  mails[2].bytes = 18446744073709551615ull;
  EXPECT_THROW(store.CreateTransfer(MakeTransfer("set-1"), mails), Error);

  OutboxTransfer t;
  std::vector<OutboxMail> got;
  EXPECT_FALSE(store.GetTransfer("set-1", t, got));
  Statement count(db, "SELECT COUNT(*) FROM outbox_mails");
  ASSERT_TRUE(count.Step());
  EXPECT_EQ(0, count.ColumnInt64(0));
}

TEST_P(StoreOutbox, TargetedStateChanges)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  store.CreateTransfer(MakeTransfer("set-1", "2026-01-01T10:00:00Z"), MakeMails(2));

  // No whole-row rewrite (#16): the store changes the state and reason only.
  EXPECT_TRUE(store.SetTransferState("set-1", TransferState::Sending, "in progress"));
  OutboxTransfer got;
  std::vector<OutboxMail> mails;
  ASSERT_TRUE(store.GetTransfer("set-1", got, mails));
  EXPECT_EQ("2026-01-01T10:00:00Z", got.created);  // never changed by an update
  EXPECT_EQ("sending", ToString(got.state));
  EXPECT_EQ("in progress", got.reason);
  EXPECT_EQ(12u, got.totalInstances);
  EXPECT_EQ("", got.finished);

  EXPECT_TRUE(store.SetTransferState("set-1", TransferState::Failed, "partner key expired"));
  ASSERT_TRUE(store.GetTransfer("set-1", got, mails));
  EXPECT_EQ("failed", ToString(got.state));
  EXPECT_EQ("partner key expired", got.reason);
  EXPECT_TRUE(UtcTime::IsValid(got.finished));

  EXPECT_EQ(ErrorKind::BadInput, KindOf([&] { ParseTransferState("lost"); }));
  EXPECT_EQ(ErrorKind::NotFound, KindOf([&] { store.SetTransferState("set-unknown", TransferState::Failed, ""); }));

  store.SetMailState("set-1", 2, MailState::Failed, "SMTP 552 message too large");
  OutboxMail m = GetMail(store, "set-1", 2);
  EXPECT_EQ("failed", ToString(m.state));
  EXPECT_EQ("SMTP 552 message too large", m.reason);
  EXPECT_EQ("pending", ToString(GetMail(store, "set-1", 1).state));
  EXPECT_EQ(ErrorKind::NotFound, KindOf([&] { store.SetMailState("set-1", 3, MailState::Failed, ""); }));
  EXPECT_EQ(ErrorKind::BadInput, KindOf([&] { ParseMailState("bounced"); }));

  EXPECT_EQ(1u, store.MarkMailSending("set-1", 1));
  m = GetMail(store, "set-1", 1);
  EXPECT_EQ("sending", ToString(m.state));
  EXPECT_EQ(1u, m.attempts);
  EXPECT_EQ(ErrorKind::NotFound, KindOf([&] { store.MarkMailSending("set-1", 3); }));
}

TEST_P(StoreOutbox, ATransferNeverGoesBackToPendingNorLosesItsEnd)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  store.CreateTransfer(MakeTransfer("set-1"), MakeMails(1));
  OutboxTransfer got;
  std::vector<OutboxMail> mails;

  // The job started and failed at once, before its submitter went on.
  ASSERT_TRUE(store.SetTransferState("set-1", TransferState::Sending, ""));
  ASSERT_TRUE(store.SetTransferState("set-1", TransferState::Failed, "SMTP down"));
  EXPECT_FALSE(store.SetTransferState("set-1", TransferState::Pending, ""));
  EXPECT_FALSE(store.SetTransferState("set-1", TransferState::Sent, ""));
  EXPECT_FALSE(store.SetTransferState("set-1", TransferState::Acknowledged, ""));
  ASSERT_TRUE(store.GetTransfer("set-1", got, mails));
  EXPECT_EQ("failed", ToString(got.state));
  EXPECT_EQ("SMTP down", got.reason);

  // Canceled by the user: a failing step that comes late does not overwrite it.
  ASSERT_TRUE(store.SetTransferState("set-1", TransferState::Canceled, "canceled by the user"));
  EXPECT_FALSE(store.SetTransferState("set-1", TransferState::Failed, "late"));
  ASSERT_TRUE(store.GetTransfer("set-1", got, mails));
  EXPECT_EQ("canceled", ToString(got.state));

  // Sent again (resend action or resubmitted job): it may start once more.
  EXPECT_TRUE(store.SetTransferState("set-1", TransferState::Sending, ""));
  EXPECT_TRUE(store.SetTransferState("set-1", TransferState::Sent, ""));
  EXPECT_FALSE(store.SetTransferState("set-1", TransferState::Canceled, ""));
  EXPECT_TRUE(store.SetTransferState("set-1", TransferState::Acknowledged, ""));
  ASSERT_TRUE(store.GetTransfer("set-1", got, mails));
  EXPECT_EQ("acknowledged", ToString(got.state));
}

TEST_P(StoreOutbox, SetJobIdLeavesTheStateOfAJobThatAlreadyFailed)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  OutboxTransfer created = MakeTransfer("set-1");
  created.jobId = "";
  store.CreateTransfer(created, MakeMails(1));
  // The job ran and failed before its submitter recorded the job id.
  store.SetTransferState("set-1", TransferState::Failed, "SMTP server refused the sender");
  store.SetJobId("set-1", "job-42");

  OutboxTransfer got;
  std::vector<OutboxMail> mails;
  ASSERT_TRUE(store.GetTransfer("set-1", got, mails));
  EXPECT_EQ("job-42", got.jobId);
  EXPECT_EQ("failed", ToString(got.state));
  EXPECT_EQ("SMTP server refused the sender", got.reason);
  EXPECT_NE("", got.finished);
  EXPECT_EQ(ErrorKind::NotFound, KindOf([&] { store.SetJobId("set-unknown", "job-1"); }));
}

TEST_P(StoreOutbox, MarkSentAttemptsAndAcks)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  store.CreateTransfer(MakeTransfer("set-1"), MakeMails(2));

  EXPECT_EQ(1u, store.IncrementAttempts("set-1", 1));
  EXPECT_EQ(2u, store.IncrementAttempts("set-1", 1));
  EXPECT_EQ(ErrorKind::NotFound, KindOf([&] { store.IncrementAttempts("set-1", 9); }));

  store.MarkMailSent("set-1", 1, "<abc@gateway.example>", 1000, 250);
  store.MarkMailSent("set-1", 2, "def@gateway.example", 500, 100);

  OutboxMail m = GetMail(store, "set-1", 1);
  EXPECT_EQ("sent", ToString(m.state));
  EXPECT_EQ("abc@gateway.example", m.messageId);  // brackets dropped
  EXPECT_EQ(1000u, m.bytes);
  EXPECT_EQ(250u, m.durationMs);
  EXPECT_EQ(2u, m.attempts);
  EXPECT_TRUE(UtcTime::IsValid(m.sentAt));

  OutboxTransfer t;
  std::vector<OutboxMail> mails;
  ASSERT_TRUE(store.GetTransfer("set-1", t, mails));
  EXPECT_EQ(1500u, t.bytesSent);

  OutboxMail found;
  ASSERT_TRUE(store.FindMailByMessageId("<abc@gateway.example>", found));
  EXPECT_EQ("set-1", found.setId);
  EXPECT_EQ(1u, found.part);
  ASSERT_TRUE(store.FindMailByMessageId("def@gateway.example", found));
  EXPECT_EQ(2u, found.part);
  EXPECT_FALSE(store.FindMailByMessageId("<nobody@gateway.example>", found));
  EXPECT_FALSE(store.FindMailByMessageId("", found));

  EXPECT_EQ("acknowledged", RecordAck(store, "set-1", 1, "automatic-action/MDN-sent-automatically;displayed",
                                             "2026-11-28T05:00:00Z"));
  EXPECT_EQ("warning", RecordAck(store, "set-1", 2, "automatic-action/MDN-sent-automatically;displayed/warning",
                                        "2026-11-28T05:01:00Z"));
  m = GetMail(store, "set-1", 1);
  EXPECT_EQ("acknowledged", ToString(m.state));
  EXPECT_EQ("automatic-action/MDN-sent-automatically;displayed", m.ackDisposition);
  EXPECT_EQ("2026-11-28T05:00:00Z", m.ackAt);
  EXPECT_EQ("warning", ToString(GetMail(store, "set-1", 2).state));

  EXPECT_EQ(ErrorKind::BadInput, KindOf([&] { store.RecordAck("set-1", 1, "displayed", "now"); }));
  EXPECT_EQ(ErrorKind::NotFound, KindOf([&] { store.RecordAck("set-2", 1, "displayed", "2026-11-28T05:00:00Z"); }));

  // A resend clears the old acknowledgement.
  store.MarkMailSent("set-1", 2, "<ghi@gateway.example>", 500, 90);
  m = GetMail(store, "set-1", 2);
  EXPECT_EQ("sent", ToString(m.state));
  EXPECT_EQ("", m.ackDisposition);
  EXPECT_EQ("", m.ackAt);
  ASSERT_TRUE(store.GetTransfer("set-1", t, mails));
  EXPECT_EQ(2000u, t.bytesSent);
}

TEST_P(StoreOutbox, DispositionToState)
{
  EXPECT_EQ("acknowledged", StateForDisposition("automatic-action/MDN-sent-automatically;displayed"));
  EXPECT_EQ("acknowledged", StateForDisposition(" Automatic-Action/MDN-Sent-Automatically; Displayed "));
  EXPECT_EQ("acknowledged", StateForDisposition("processed"));
  EXPECT_EQ("warning", StateForDisposition("automatic-action/MDN-sent-automatically;displayed/warning"));
  EXPECT_EQ("failed", StateForDisposition("automatic-action/MDN-sent-automatically;deleted/error"));
  EXPECT_EQ("failed", StateForDisposition("automatic-action/MDN-sent-automatically;deleted"));
  EXPECT_EQ("failed", StateForDisposition("manual-action/MDN-sent-manually;processed/error"));
  EXPECT_EQ("warning", StateForDisposition("something-new"));
  EXPECT_EQ("warning", StateForDisposition(""));
}

TEST_P(StoreOutbox, ListNewestFirstWithPaging)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  store.CreateTransfer(MakeTransfer("b", "2026-02-01T00:00:00Z"), MakeMails(1));
  store.CreateTransfer(MakeTransfer("a", "2026-03-01T00:00:00Z"), MakeMails(1));
  store.CreateTransfer(MakeTransfer("c", "2026-01-01T00:00:00Z"), MakeMails(1));
  store.CreateTransfer(MakeTransfer("d", "2026-03-01T00:00:00Z"), MakeMails(1));  // same second as "a", later

  std::vector<std::string> ids;
  for (const OutboxTransfer& t : store.ListTransfers(10, 0))
  {
    ids.push_back(t.setId);
  }
  EXPECT_EQ((std::vector<std::string>{ "d", "a", "b", "c" }), ids);

  const std::vector<OutboxTransfer> page = store.ListTransfers(2, 1);
  ASSERT_EQ(2u, page.size());
  EXPECT_EQ("a", page[0].setId);
  EXPECT_EQ("b", page[1].setId);
  EXPECT_EQ(MakeTransfer("x").studyInstanceUids, page[0].studyInstanceUids);
  EXPECT_TRUE(store.ListTransfers(10, 4).empty());
  EXPECT_EQ(4u, store.CountTransfers());
}

TEST_P(StoreOutbox, MailsAwaitingAck)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  store.CreateTransfer(MakeTransfer("wants-ack"), MakeMails(3));
  OutboxTransfer noAck = MakeTransfer("no-ack");
  noAck.acknowledgementsRequested = false;
  store.CreateTransfer(noAck, MakeMails(1));
  store.CreateTransfer(MakeTransfer("canceled"), MakeMails(1));

  store.MarkMailSent("wants-ack", 1, "m1@x", 10, 1);
  store.MarkMailSent("wants-ack", 2, "m2@x", 10, 1);
  // part 3 never sent
  store.MarkMailSent("no-ack", 1, "m3@x", 10, 1);
  store.MarkMailSent("canceled", 1, "m4@x", 10, 1);
  store.SetTransferState("canceled", TransferState::Canceled, "by user");
  store.RecordAck("wants-ack", 2, "displayed", "2026-11-28T05:00:00Z");

  const std::string future = UtcTime::FromUnix(UtcTime::ToUnix(UtcTime::Now()) + 3600);
  const std::vector<OutboxMail> waiting = store.ListMailsAwaitingAck(future);
  ASSERT_EQ(1u, waiting.size());
  EXPECT_EQ("wants-ack", waiting[0].setId);
  EXPECT_EQ(1u, waiting[0].part);
  EXPECT_EQ("m1@x", waiting[0].messageId);

  // Just sent: not yet older than an hour ago.
  const std::string past = UtcTime::FromUnix(UtcTime::ToUnix(UtcTime::Now()) - 3600);
  EXPECT_TRUE(store.ListMailsAwaitingAck(past).empty());
  EXPECT_THROW(store.ListMailsAwaitingAck("soon"), Error);
}

TEST_P(StoreOutbox, RemoveCascadesToMails)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  store.CreateTransfer(MakeTransfer("set-1"), MakeMails(3));
  store.CreateTransfer(MakeTransfer("set-2"), MakeMails(2));

  EXPECT_TRUE(store.RemoveTransfer("set-1"));
  EXPECT_FALSE(store.RemoveTransfer("set-1"));

  Statement count(db, "SELECT COUNT(*) FROM outbox_mails");
  ASSERT_TRUE(count.Step());
  EXPECT_EQ(2, count.ColumnInt64(0));
}

TEST_P(StoreOutbox, SurvivesReopen)
{
  {
    std::unique_ptr<Database> dbOpened = Open();
    Database& db = *dbOpened;
    OutboxStore store(db);
    store.CreateTransfer(MakeTransfer("set-1", "2026-11-28T04:15:02Z"), MakeMails(2));
    store.MarkMailSent("set-1", 2, "<m@x>", 77, 5);
  }
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  OutboxTransfer t;
  std::vector<OutboxMail> mails;
  ASSERT_TRUE(store.GetTransfer("set-1", t, mails));
  EXPECT_EQ("2026-11-28T04:15:02Z", t.created);
  EXPECT_EQ(77u, t.bytesSent);
  ASSERT_EQ(2u, mails.size());
  EXPECT_EQ("sent", ToString(mails[1].state));
  EXPECT_EQ(MakeMails(2)[1].instances, mails[1].instances);
}

TEST_P(StoreOutbox, KeepsWhatSubmissionResolved)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  OutboxTransfer transfer = MakeTransfer("set-1");
  transfer.totalBytes = 123456789012ull;
  std::vector<OutboxMail> mails = MakeMails(2);
  mails[0].sopInstanceUids = { "1.2.840.1", "1.2.840.2" };   // mail 2: none, as in older records
  store.CreateTransfer(transfer, mails);

  OutboxTransfer got;
  std::vector<OutboxMail> gotMails;
  ASSERT_TRUE(store.GetTransfer("set-1", got, gotMails));
  EXPECT_EQ(123456789012ull, got.totalBytes);
  EXPECT_EQ((std::vector<std::string>{ "1.2.840.1", "1.2.840.2" }), gotMails[0].sopInstanceUids);
  EXPECT_TRUE(gotMails[1].sopInstanceUids.empty());

  std::vector<OutboxMail> mismatched = MakeMails(1);
  mismatched[0].sopInstanceUids = { "1.2.840.1" };   // two instances, one UID
  EXPECT_EQ(ErrorKind::BadInput, KindOf([&] { store.CreateTransfer(MakeTransfer("set-2"), mismatched); }));
}

TEST_P(StoreOutbox, SendingReasonNeverTouchesAnotherState)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore store(db);
  store.CreateTransfer(MakeTransfer("set-1"), MakeMails(2));
  OutboxTransfer got;
  std::vector<OutboxMail> mails;

  // Pending: not a sending transfer's wait, nothing written (#23).
  store.SetSendingReason("set-1", 1, "retrying after: partner's mailbox is full");
  ASSERT_TRUE(store.GetTransfer("set-1", got, mails));
  EXPECT_EQ("", got.reason);

  ASSERT_TRUE(store.SetTransferState("set-1", TransferState::Sending, ""));
  store.MarkMailSending("set-1", 1);
  store.SetSendingReason("set-1", 1, "retrying after: partner's mailbox is full");
  ASSERT_TRUE(store.GetTransfer("set-1", got, mails));
  EXPECT_EQ("sending", ToString(got.state));
  EXPECT_EQ("retrying after: partner's mailbox is full", got.reason);
  EXPECT_EQ("retrying after: partner's mailbox is full", GetMail(store, "set-1", 1).reason);
  EXPECT_EQ("", GetMail(store, "set-1", 2).reason);

  // Canceled meanwhile: a late retry note neither revives nor relabels it.
  ASSERT_TRUE(store.SetTransferState("set-1", TransferState::Canceled, "canceled by the user"));
  store.SetSendingReason("set-1", 1, "retrying after: 451 later");
  ASSERT_TRUE(store.GetTransfer("set-1", got, mails));
  EXPECT_EQ("canceled", ToString(got.state));
  EXPECT_EQ("canceled by the user", got.reason);
}

INSTANTIATE_STORE_ENGINES(StoreOutbox);
