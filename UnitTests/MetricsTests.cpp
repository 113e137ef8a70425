// SPDX-License-Identifier: GPL-3.0-or-later
// The metrics are computed from the records: fill real stores, check each value.
#include "Core/Metrics/MetricNames.h"
#include "Core/Metrics/MetricsCollector.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/SqliteDatabase.h"
#include "Core/Store/UtcTime.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <ctime>
#include <map>

using namespace DicomMail;

namespace
{
  const int64_t kNow = 1800000000;   // 2027-01-15T08:00:00Z

  std::map<std::string, double> ToMap(const MetricList& metrics)
  {
    std::map<std::string, double> result;
    for (const Metric& m : metrics)
    {
      EXPECT_EQ(0u, result.count(m.name)) << "twice: " << m.name;
      result[m.name] = m.value;
    }
    return result;
  }

  double Value(const std::map<std::string, double>& metrics, const std::string& base, const std::string& id = "")
  {
    const auto found = metrics.find(MetricNames::Make(base, id));
    EXPECT_TRUE(found != metrics.end()) << MetricNames::Make(base, id);
    return found == metrics.end() ? -1 : found->second;
  }

  // A transfer of "mails" mails of 1000 bytes each to "partner", created at
  // "created", in "state"; the first "sentMails" mails are sent.
  void AddOutbox(OutboxStore& outbox, const std::string& setId, const std::string& partner, int64_t created,
                 unsigned int mails, unsigned int sentMails, uint64_t bytes, bool ack = true)
  {
    OutboxTransfer t;
    t.setId = setId;
    t.partner = partner;
    t.recipient = partner + "@partner.test";
    t.created = UtcTime::FromUnix(created);
    t.totalMails = mails;
    t.bytesSent = bytes;
    t.acknowledgementsRequested = ack;
    std::vector<OutboxMail> list(mails);
    for (unsigned int i = 0; i < mails; i++)
    {
      list[i].part = i + 1;
      list[i].state = i < sentMails ? MailState::Sent : MailState::Pending;
    }
    outbox.CreateTransfer(t, list);
  }

  // Empty records: a database with the outbox and inbox tables.
  class Metrics : public ::testing::Test
  {
  protected:
    Metrics() :
      db(dir.File("dm.db")),
      outbox(db),
      inbox(db)
    {
    }

    std::map<std::string, double> Collect(int64_t startedAt = kNow, int64_t now = kNow)
    {
      return ToMap(MetricsCollector(db, board, startedAt).Collect({}, now));
    }

    TempDirectory dir;
    SqliteDatabase db;
    OutboxStore outbox;
    InboxStore inbox;
    StatusBoard board;
  };

  KeyInfo Key(const std::string& fingerprint, int64_t expires, bool revoked = false)
  {
    KeyInfo key;
    key.fingerprint = fingerprint;
    key.expires = expires;
    key.revoked = revoked;
    return key;
  }
}

TEST(MetricNames, SuffixIsPrometheusSafe)
{
  EXPECT_EQ("praxis_dr_m__ller", MetricNames::Suffix("Praxis.Dr-M\xc3\xbcller"));   // one '_' a byte
  EXPECT_EQ("tele_radiology_2", MetricNames::Suffix("Tele-Radiology.2"));
  EXPECT_EQ("orthanc_dicom_mail_mails_quarantined", MetricNames::Make("mails_quarantined"));
  EXPECT_EQ("orthanc_dicom_mail_mailbox_last_poll_age_seconds_inbox_1",
            MetricNames::Make("mailbox_last_poll_age_seconds", "inbox-1"));
}

TEST_F(Metrics, EmptyRecordsGiveZeroes)
{
  const auto m = Collect();
  EXPECT_EQ(0, Value(m, "transfers_sent_total"));
  EXPECT_EQ(0, Value(m, "transfers_received_total"));
  EXPECT_EQ(0, Value(m, "mails_in_flight"));
  EXPECT_EQ(0, Value(m, "received_bytes_total"));
  EXPECT_EQ(0u, m.count(MetricNames::Make("key_expiry_days")));   // no key expires
}

TEST_F(Metrics, OutboxStatesAreCounted)
{
  // SetTransferState() stamps "finished" with the real clock.
  const int64_t now = time(nullptr);
  AddOutbox(outbox, "s1", "clinic", now - 600, 2, 2, 2000);
  outbox.SetTransferState("s1", TransferState::Sending, "");   // a job ran: the store takes only real transitions
  outbox.SetTransferState("s1", TransferState::Sent, "");
  AddOutbox(outbox, "s2", "clinic", now - 60, 3, 1, 1000);        // sending: 2 in flight, 1 awaiting
  outbox.SetTransferState("s2", TransferState::Sending, "");
  AddOutbox(outbox, "s3", "tele-rad", now - 60, 1, 0, 0);         // failed: its pending mail is not in flight
  outbox.SetTransferState("s3", TransferState::Failed, "SMTP 550");
  AddOutbox(outbox, "s4", "tele-rad", now - 60, 1, 1, 500, false);    // no MDN asked: awaits nothing
  outbox.SetTransferState("s4", TransferState::Sending, "");   // a job ran: the store takes only real transitions
  outbox.SetTransferState("s4", TransferState::Acknowledged, "");

  const auto m = Collect(now, now);
  EXPECT_EQ(2, Value(m, "transfers_sent_total"));
  EXPECT_EQ(1, Value(m, "transfers_send_failed_total"));
  EXPECT_EQ(2, Value(m, "mails_in_flight"));
  EXPECT_EQ(3, Value(m, "mails_awaiting_acknowledgement"));     // s1: 2, s2: 1
  EXPECT_EQ(3500, Value(m, "sent_bytes_total"));
  // Finished transfers only (s2 is still sending): created to the time SetTransferState recorded.
  EXPECT_GE(Value(m, "last_sent_transfer_duration_seconds", "clinic"), 600);
  EXPECT_EQ(1u, m.count(MetricNames::Make("last_sent_transfer_duration_seconds", "tele-rad")));
}

TEST_F(Metrics, InboxStatesAndDurations)
{
  InboxTransfer done;
  done.setId = "r1";
  done.partner = "hospital";
  done.senderDate = UtcTime::FromUnix(kNow - 100);
  done.lastImportAt = UtcTime::FromUnix(kNow - 58);
  done.state = InboxTransferState::Complete;
  inbox.PutTransfer(done);
  InboxTransfer later = done;                      // the latest one per partner counts
  later.setId = "r2";
  later.senderDate = UtcTime::FromUnix(kNow - 30);
  later.lastImportAt = UtcTime::FromUnix(kNow - 20);
  later.state = InboxTransferState::CompleteWithWarnings;
  inbox.PutTransfer(later);
  InboxTransfer failed = done;
  failed.setId = "r3";
  failed.state = InboxTransferState::Failed;
  failed.lastImportAt = "";
  inbox.PutTransfer(failed);
  InboxMail quarantined;
  quarantined.state = InboxMailState::Quarantined;
  quarantined.bytes = 700;
  inbox.RecordMail(quarantined);
  InboxMail imported;
  imported.setId = "r1";
  imported.part = 1;
  imported.state = InboxMailState::Imported;
  imported.bytes = 300;
  inbox.RecordMail(imported);

  const auto m = Collect();
  EXPECT_EQ(2, Value(m, "transfers_received_total"));
  EXPECT_EQ(1, Value(m, "transfers_receive_failed_total"));
  EXPECT_EQ(1, Value(m, "mails_quarantined"));
  EXPECT_EQ(1000, Value(m, "received_bytes_total"));
  EXPECT_EQ(10, Value(m, "last_received_transfer_duration_seconds", "hospital"));
}

TEST_F(Metrics, MailboxAgeCountsFromStartUntilFirstSuccess)
{
  board.Declare("smtp", "smtp", "smtp://127.0.0.1:25");
  board.Declare("inbox", "incoming", "imaps://127.0.0.1:993");
  board.Declare("second", "incoming", "pop3s://127.0.0.1:995");
  board.ReportSuccess("second");
  const int64_t now = time(nullptr);
  const auto m = Collect(now - 700, now);
  EXPECT_EQ(700, Value(m, "mailbox_last_poll_age_seconds", "inbox"));
  EXPECT_LE(Value(m, "mailbox_last_poll_age_seconds", "second"), 5);
  EXPECT_EQ(0u, m.count(MetricNames::Make("mailbox_last_poll_age_seconds", "smtp")));
}

TEST(MetricsKeys, EarliestExpiryOfKeysNotRevoked)
{
  double days = 0;
  EXPECT_FALSE(MetricsCollector::EarliestKeyExpiryDays({Key("A", 0)}, kNow, days));
  ASSERT_TRUE(MetricsCollector::EarliestKeyExpiryDays(
    {Key("A", 0), Key("B", kNow + 20 * 86400), Key("C", kNow + 3 * 86400, true), Key("D", kNow + 10 * 86400)},
    kNow, days));
  EXPECT_DOUBLE_EQ(10.0, days);
  KeyInfo subkey = Key("E", 0);
  subkey.encryptionExpires = kNow - 86400;         // encryption subkey expired yesterday
  ASSERT_TRUE(MetricsCollector::EarliestKeyExpiryDays({subkey}, kNow, days));
  EXPECT_DOUBLE_EQ(-1.0, days);
}
