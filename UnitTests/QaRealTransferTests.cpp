// SPDX-License-Identifier: GPL-3.0-or-later
// The real transfers in the QA report (#17): median and 95th percentile of
// transfer time and speed per month, completeness, read from the outbox and
// inbox records with one query per direction.

#include "Core/QualityAssurance/QaReport.h"
#include "Core/QualityAssurance/RealTransfers.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/RealTransferStore.h"
#include "Core/Store/UtcMillis.h"
#include "Core/Store/UtcTime.h"
#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>

using namespace DicomMail;

namespace
{
  // UTC as the site's time zone: months fall where the test says.
  class UtcClock : public IQaClock
  {
  public:
    int64_t NowMs() const override
    {
      return UtcMillis::Parse("2026-12-31T12:00:00Z");
    }

    LocalTime ToLocal(int64_t ms) const override
    {
      const time_t seconds = static_cast<time_t>(ms / 1000);
      struct tm parts = {};
      gmtime_r(&seconds, &parts);
      return LocalTime::FromBrokenDown(parts);
    }
  };

  RealTransferSample Sample(const std::string& start, int64_t ms, uint64_t bytes, bool complete = true)
  {
    RealTransferSample s;
    s.atMs = UtcMillis::Parse(start);
    s.startMs = s.atMs;
    s.endMs = ms == 0 ? 0 : s.startMs + ms;
    s.bytes = bytes;
    s.mails = 2;
    s.mailsArrived = complete ? 2 : 1;
    s.complete = complete;
    return s;
  }

  bool Contains(const std::string& text, const std::string& part)
  {
    return text.find(part) != std::string::npos;
  }
}

TEST(QaRealTransfers, PercentileInterpolatesBetweenTheClosestRanks)
{
  EXPECT_EQ(0.0, RealTransfers::Percentile({}, 0.5));
  EXPECT_EQ(7.0, RealTransfers::Percentile({ 7 }, 0.95));
  EXPECT_DOUBLE_EQ(2.5, RealTransfers::Percentile({ 4, 1, 3, 2 }, 0.5));    // order does not matter
  EXPECT_DOUBLE_EQ(3.85, RealTransfers::Percentile({ 1, 2, 3, 4 }, 0.95));
  EXPECT_DOUBLE_EQ(3.0, RealTransfers::Percentile({ 1, 2, 3, 4, 5 }, 0.5));
  EXPECT_DOUBLE_EQ(1.0, RealTransfers::Percentile({ 1, 2, 3 }, 0));
  EXPECT_DOUBLE_EQ(3.0, RealTransfers::Percentile({ 1, 2, 3 }, 1));
  // 1..20: rank 0.95 * 19 = 18.05 -> 19 + 0.05 * (20 - 19).
  std::vector<double> twenty;
  for (int i = 1; i <= 20; i++)
  {
    twenty.push_back(i);
  }
  EXPECT_DOUBLE_EQ(19.05, RealTransfers::Percentile(twenty, 0.95));
}

TEST(QaRealTransfers, PerMonthFiguresCountTheTimedAndTheComplete)
{
  const UtcClock clock;
  const std::vector<RealTransferSample> samples = {
    Sample("2026-03-02T08:00:00.000Z", 1000, 10000000),      // 10 MB in 1 s: 10 MB/s
    Sample("2026-03-05T08:00:00.000Z", 2000, 10000000),      // 5 MB/s
    Sample("2026-03-09T08:00:00.000Z", 4000, 10000000),      // 2.5 MB/s
    Sample("2026-03-10T08:00:00.000Z", 0, 10000000, false),  // not timed, incomplete
    Sample("2026-04-30T23:59:59.999Z", 500, 1000000),        // April, 2 MB/s
    Sample("2025-12-31T23:59:59.999Z", 500, 1000000),        // another year
  };
  const std::vector<RealTransferFigures> months = RealTransfers::PerMonth(samples, 2026, clock);
  ASSERT_EQ(12u, months.size());
  EXPECT_EQ("2026-01", months[0].month);
  EXPECT_EQ(0u, months[0].transfers);
  const RealTransferFigures& march = months[2];
  EXPECT_EQ("2026-03", march.month);
  EXPECT_EQ(4u, march.transfers);
  EXPECT_EQ(3u, march.complete);
  EXPECT_EQ(3u, march.timed);
  EXPECT_EQ(8u, march.mails);
  EXPECT_EQ(7u, march.mailsArrived);
  EXPECT_DOUBLE_EQ(0.75, march.CompleteShare());
  EXPECT_DOUBLE_EQ(2000, march.medianMs);
  EXPECT_DOUBLE_EQ(3800, march.p95Ms);          // 2000 + 0.9 * 2000
  EXPECT_DOUBLE_EQ(5, march.medianMBps);
  EXPECT_DOUBLE_EQ(9.5, march.p95MBps);         // 5 + 0.9 * 5
  EXPECT_EQ(1u, months[3].transfers);
  EXPECT_DOUBLE_EQ(500, months[3].medianMs);
  EXPECT_DOUBLE_EQ(2, months[3].p95MBps);
  EXPECT_EQ(0u, months[11].transfers);          // December 2025 is not counted in 2026
}

TEST(QaRealTransfers, ClocksThatDisagreeLeaveATransferUntimed)
{
  RealTransferSample s = Sample("2026-03-02T08:00:00.000Z", 1000, 1);
  EXPECT_EQ(1000, s.TransferMs());
  s.endMs = s.startMs - 5;   // the receiver's clock is behind
  EXPECT_EQ(0, s.TransferMs());
  s.startMs = 0;             // a record from before the start was kept in ms
  s.endMs = 5;
  EXPECT_EQ(0, s.TransferMs());
}

TEST(QaRealTransfers, CsvAndHtmlCarryTheMonthsWithTransfers)
{
  const UtcClock clock;
  QaReport report;
  report.year = 2026;
  report.sentTransfers = RealTransfers::PerMonth({ Sample("2026-03-02T08:00:00.000Z", 1000, 10000000),
                                                   Sample("2026-03-05T08:00:00.000Z", 3000, 10000000) },
                                                 2026, clock);
  report.receivedTransfers = RealTransfers::PerMonth({ Sample("2026-05-02T08:00:00.000Z", 0, 5, false) }, 2026,
                                                     clock);
  const std::string csv = QaReportRender::Csv(report);
  EXPECT_TRUE(Contains(csv, "real,sent,2026-03,2,2,2,2000,2900,6.667,9.667,4,4\r\n"));
  EXPECT_TRUE(Contains(csv, "real,received,2026-05,1,0,0,,,,,2,1\r\n"));
  EXPECT_FALSE(Contains(csv, "real,sent,2026-04"));   // no transfers, no row
  const std::string html = QaReportRender::Html(report);
  EXPECT_TRUE(Contains(html, "<td>gesendet / sent</td><td>2026-03</td><td>2</td><td>2 (100.00 %)</td>"
                             "<td>4 / 4</td><td>2</td><td>2.000</td><td>2.900</td><td>6.667</td><td>9.667</td>"));
  EXPECT_TRUE(Contains(html, "<td>empfangen / received</td><td>2026-05</td><td>1</td><td>0 (0.00 %)</td>"));
}

class StoreRealTransfers : public StoreEngineTest
{
protected:
  // The way a send job takes it.
  static void Finish(OutboxStore& outbox, const std::string& setId, TransferState state)
  {
    ASSERT_TRUE(outbox.SetTransferState(setId, TransferState::Sending, ""));
    ASSERT_TRUE(outbox.SetTransferState(setId, TransferState::Sent, ""));
    ASSERT_TRUE(outbox.SetTransferState(setId, state, ""));
  }

  void Sent(OutboxStore& outbox, const std::string& setId, const std::string& created, bool qa,
            const std::vector<int64_t>& receiverCompletedMs, const std::string& disposition = "displayed")
  {
    OutboxTransfer t;
    t.setId = setId;
    t.partner = "tele";
    t.recipient = "tele@example.org";
    t.created = created;
    t.qaTest = qa;
    t.totalBytes = 6000000;
    t.totalMails = static_cast<unsigned int>(receiverCompletedMs.size());
    std::vector<OutboxMail> mails(receiverCompletedMs.size());
    for (size_t i = 0; i < mails.size(); i++)
    {
      mails[i].part = static_cast<unsigned int>(i + 1);
    }
    outbox.CreateTransfer(t, mails);
    for (size_t i = 0; i < mails.size(); i++)
    {
      outbox.MarkMailSent(setId, mails[i].part, setId + "." + std::to_string(i) + "@x", 100, 10);
      if (receiverCompletedMs[i] >= 0)
      {
        outbox.RecordAck(setId, mails[i].part, i == 0 ? disposition : "displayed", UtcTime::Now(),
                         receiverCompletedMs[i]);
      }
    }
  }
};

TEST_P(StoreRealTransfers, SentTransfersAreTimedToTheLastReceiverCompletion)
{
  std::unique_ptr<Database> db = Open();
  OutboxStore outbox(*db);
  RealTransferStore real(*db);
  const int64_t created = UtcTime::ToUnix("2026-03-02T08:00:00Z") * 1000;
  Sent(outbox, "whole", "2026-03-02T08:00:00Z", false, { created + 1500, created + 2500 });
  Finish(outbox, "whole", TransferState::Acknowledged);
  Sent(outbox, "warned", "2026-03-03T08:00:00Z", false, { created + 1, created + 2 }, "manual-action/MDN-sent-automatically; displayed/warning");
  Finish(outbox, "warned", TransferState::Acknowledged);
  Sent(outbox, "lost", "2026-03-04T08:00:00Z", false, { created, -1 });
  Finish(outbox, "lost", TransferState::Failed);
  Sent(outbox, "qa", "2026-03-05T08:00:00Z", true, { created + 10 });
  Finish(outbox, "qa", TransferState::Acknowledged);
  Sent(outbox, "running", "2026-03-06T08:00:00Z", false, { -1 });
  Sent(outbox, "later", "2027-01-01T00:00:00Z", false, { created });
  Finish(outbox, "later", TransferState::Acknowledged);

  std::vector<RealTransferSample> samples = real.Sent("tele", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
  ASSERT_EQ(3u, samples.size());   // neither the QA test, the one still sent, nor next year's
  std::sort(samples.begin(), samples.end(),
            [](const RealTransferSample& a, const RealTransferSample& b) { return a.atMs < b.atMs; });
  EXPECT_EQ(created, samples[0].startMs);   // the given "created", in ms
  EXPECT_EQ(2500, samples[0].TransferMs());
  EXPECT_EQ(6000000u, samples[0].bytes);
  EXPECT_TRUE(samples[0].complete);
  EXPECT_EQ(2u, samples[0].mailsArrived);
  EXPECT_FALSE(samples[1].complete);        // a warning: arrived, not whole
  EXPECT_EQ(2u, samples[1].mailsArrived);
  EXPECT_FALSE(samples[2].complete);
  EXPECT_EQ(1u, samples[2].mailsArrived);
  EXPECT_EQ(0, samples[2].TransferMs());    // a mail never arrived: not timed
  EXPECT_TRUE(real.Sent("other", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z").empty());
}

TEST_P(StoreRealTransfers, ANewTransferKeepsItsStartInMilliseconds)
{
  std::unique_ptr<Database> db = Open();
  OutboxStore outbox(*db);
  RealTransferStore real(*db);
  const int64_t before = UtcMillis::Now();
  Sent(outbox, "now", "", false, { before + 100000 });
  Finish(outbox, "now", TransferState::Acknowledged);
  const int64_t after = UtcMillis::Now();
  const std::vector<RealTransferSample> samples = real.Sent("tele", "2000-01-01T00:00:00Z", "9999-01-01T00:00:00Z");
  ASSERT_EQ(1u, samples.size());
  EXPECT_GE(samples[0].startMs, before);
  EXPECT_LE(samples[0].startMs, after);
}

TEST_P(StoreRealTransfers, ReceivedTransfersAreTimedFromTheSendersDate)
{
  std::unique_ptr<Database> db = Open();
  InboxStore inbox(*db);
  RealTransferStore real(*db);
  const int64_t sent = UtcTime::ToUnix("2026-03-02T08:00:00Z") * 1000;
  struct Row { const char* setId; InboxTransferState state; bool qa; unsigned int received; };
  for (const Row& row : { Row{ "whole", InboxTransferState::Complete, false, 2 },
                          Row{ "warned", InboxTransferState::CompleteWithWarnings, false, 2 },
                          Row{ "partial", InboxTransferState::Failed, false, 1 },
                          Row{ "qa", InboxTransferState::Complete, true, 2 },
                          Row{ "open", InboxTransferState::Receiving, false, 1 } })
  {
    InboxTransfer t;
    t.setId = row.setId;
    t.partner = "tele";
    t.firstReceived = "2026-03-02T08:00:05Z";
    t.senderDate = "2026-03-02T08:00:00Z";
    t.mailsExpected = 2;
    t.mailsReceived = row.received;
    t.bytes = 3000000;
    t.state = row.state;
    t.qaTest = row.qa;
    t.completedMs = sent + 7250;
    inbox.PutTransfer(t);
  }
  std::vector<RealTransferSample> samples = real.Received("tele", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
  ASSERT_EQ(3u, samples.size());
  int complete = 0;
  for (const RealTransferSample& s : samples)
  {
    EXPECT_EQ(UtcTime::ToUnix("2026-03-02T08:00:05Z") * 1000, s.atMs);
    EXPECT_EQ(3000000u, s.bytes);
    complete += s.complete ? 1 : 0;
    EXPECT_EQ(s.mailsArrived == 2 ? 7250 : 0, s.TransferMs());   // a part missing: not timed
  }
  EXPECT_EQ(1, complete);
  EXPECT_TRUE(real.Received("tele", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z").empty());
}

INSTANTIATE_STORE_ENGINES(StoreRealTransfers);
