// SPDX-License-Identifier: GPL-3.0-or-later
// Quality assurance after DIN 6868-159 (#17), the server side of the
// report: availability arithmetic, the monthly measurement's record and
// figures, the CSV/SVG/HTML renderings (escaping!) and the QA alert notice.
#include "StoreTestSupport.h"

#include "Core/Common/Error.h"
#include "Core/Notices/NoticePlanner.h"
#include "Core/Notices/NoticeText.h"
#include "Core/Partners/PartnerDirectory.h"
#include "Core/QualityAssurance/Availability.h"
#include "Core/QualityAssurance/QaReport.h"
#include "Core/Store/MonthlyMeasurementStore.h"
#include "Core/Store/NoticeStore.h"
#include "Core/Store/PartnerStore.h"
#include "Core/Store/SqliteDatabase.h"
#include "Core/Store/UtcMillis.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  bool Contains(const std::string& text, const std::string& part)
  {
    return text.find(part) != std::string::npos;
  }

  size_t Count(const std::string& text, const std::string& part)
  {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    {
      n++;
    }
    return n;
  }

  int64_t Ms(const std::string& utc)
  {
    return UtcMillis::Parse(utc);
  }

  LinkEvidence Evidence(const std::string& utc, bool worked)
  {
    return LinkEvidence{ Ms(utc), utc.substr(0, 10), worked };
  }

  // December 2026 in UTC: the 1st is a Tuesday.
  AvailabilityFigures December(const QaSchedule& schedule, const std::vector<LinkEvidence>& evidence)
  {
    return Availability::Compute(schedule, evidence, "2026-12", "2026-12-01", "2026-12-31",
                                 Ms("2026-12-01T00:00:00.000Z"), Ms("2027-01-01T00:00:00.000Z"), "2026-12-08",
                                 Ms("2026-12-08T00:00:00.000Z"));
  }

  MonthlyMeasurement Measurement(const std::string& setId, const std::string& month, int64_t startedMs)
  {
    MonthlyMeasurement m;
    m.setId = setId;
    m.partner = "tele";
    m.month = month;
    m.trigger = "schedule";
    m.testData = "generated";
    m.instancesExpected = 3;
    m.dicomBytes = 4000000;
    m.startedMs = startedMs;
    m.deadlineMs = startedMs + 3600000;
    return m;
  }

  QaReport HostileReport()
  {
    QaReport r;
    r.siteName = "Klinikum <b>Nord</b> & \"Süd\"";
    r.siteAddress = "qa@klinikum.example";
    r.siteFingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";
    r.partner = "tele";
    r.partnerName = "<script>alert(1)</script>,=HYPERLINK(\"x\")\nzweite Zeile";
    r.partnerFingerprint = "89ABCDEF0123456789ABCDEF0123456789ABCDEF";
    r.year = 2026;
    r.testData = "generated";
    r.testDataHashes = { QaReportHash{ "1.2.3.4", std::string(64, 'a') } };
    DailyTest t;
    t.setId = "20261201.073000.00000001";
    t.partner = "tele";
    t.testDay = "2026-12-01";
    t.state = DailyTestState::Failed;
    t.startedMs = Ms("2026-12-01T07:30:00.000Z");
    t.reason = "not acknowledged within 60 s <img src=x onerror=alert(2)>";
    r.dailyTests = { t };
    MonthlyMeasurement m = Measurement("20261201.074500.00000002", "2026-12", Ms("2026-12-01T07:45:00.000Z"));
    m.state = DailyTestState::Passed;
    m.instancesArrived = 3;
    m.wireBytes = 5500000;
    m.receiverCompletedMs = m.startedMs + 2000;
    r.measurements = { m };
    r.wholeYear.period = "2026";
    return r;
  }
}

// ------------------------------------------------------------------------------------------------ availability

TEST(QaAvailability, CalendarArithmetic)
{
  EXPECT_EQ(2, Availability::Weekday(2026, 12, 1));    // Tuesday
  EXPECT_EQ(0, Availability::Weekday(2026, 12, 6));    // Sunday
  EXPECT_EQ(4, Availability::Weekday(2024, 2, 29));    // Thursday
  EXPECT_EQ(29, Availability::DaysInMonth(2024, 2));
  EXPECT_EQ(28, Availability::DaysInMonth(2100, 2));
  EXPECT_EQ(29, Availability::DaysInMonth(2000, 2));
  EXPECT_EQ(31, Availability::DaysInMonth(2026, 12));
}

TEST(QaAvailability, ADayWorksWhenATestPassedOrARealTransferWasAcknowledged)
{
  QaSchedule schedule;   // Monday to Friday
  const std::vector<LinkEvidence> evidence = {
    Evidence("2026-12-01T07:35:00.000Z", true),    // Tue: test passed
    Evidence("2026-12-02T07:30:00.000Z", false),   // Wed: test failed ...
    Evidence("2026-12-02T12:00:00.000Z", true),    // ... but a real transfer was acknowledged later
    Evidence("2026-12-03T08:00:00.000Z", false),   // Thu: failed, nothing else
    Evidence("2026-12-04T08:00:00.000Z", true),    // Fri: passed
    Evidence("2026-12-06T10:00:00.000Z", true),    // Sun: a real transfer, counts although no test day
  };                                               // Mon 7th: no test at all; Tue 8th is today, still to come
  AvailabilityFigures f = December(schedule, evidence);
  EXPECT_EQ("2026-12", f.period);
  EXPECT_EQ(6u, f.days);          // 1, 2, 3, 4, 6, 7
  EXPECT_EQ(4u, f.workingDays);   // 1, 2, 4, 6
  EXPECT_NEAR(4.0 / 6.0, f.DayShare(), 1e-9);
  EXPECT_FALSE(f.MeetsTarget());

  // Hours: watched from the first evidence to now; down 07:30-12:00 on the
  // 2nd and from 08:00 on the 3rd to 08:00 on the 4th.
  const double watched = (Ms("2026-12-08T00:00:00.000Z") - Ms("2026-12-01T07:35:00.000Z")) / 3600000.0;
  EXPECT_NEAR(watched, f.hours, 1e-6);
  EXPECT_NEAR(watched - 4.5 - 24.0, f.workingHours, 1e-6);

  // A holiday is no test day: Monday the 7th left out.
  schedule.holidays.insert("2026-12-07");
  f = December(schedule, evidence);
  EXPECT_EQ(5u, f.days);
  EXPECT_EQ(4u, f.workingDays);
}

TEST(QaAvailability, NothingBeforeTheFirstEvidenceAndAnOpenOutageRunsToNow)
{
  QaSchedule schedule;
  EXPECT_EQ(0u, December(schedule, {}).days);
  EXPECT_EQ(0.0, December(schedule, {}).hours);
  EXPECT_TRUE(December(schedule, {}).MeetsTarget());   // nothing watched: nothing to fail

  // Watched from Friday the 4th: the 1st to 3rd do not count.
  const AvailabilityFigures f = December(schedule, { Evidence("2026-12-04T08:00:00.000Z", true),
                                                     Evidence("2026-12-07T06:00:00.000Z", false) });
  EXPECT_EQ(2u, f.days);          // 4 and 7
  EXPECT_EQ(1u, f.workingDays);
  EXPECT_NEAR(18.0, f.hours - f.workingHours, 1e-6);   // down from 06:00 on the 7th until now

  // Every working day passed: 100 %, the target met.
  std::vector<LinkEvidence> good;
  for (const char* day : { "01", "02", "03", "04", "07" })
  {
    good.push_back(Evidence(std::string("2026-12-") + day + "T07:31:00.000Z", true));
  }
  const AvailabilityFigures all = December(schedule, good);
  EXPECT_EQ(5u, all.days);
  EXPECT_EQ(1.0, all.DayShare());
  EXPECT_EQ(1.0, all.HourShare());
  EXPECT_TRUE(all.MeetsTarget());
}

// ------------------------------------------------------------------------------------------------ monthly record

TEST(QaMonthly, CompleteRecordsFiguresAndCompletenessOnce)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  MonthlyMeasurementStore store(db);
  store.Add(Measurement("m1", "2026-11", 1000000));
  store.Add(Measurement("m2", "2026-12", 2000000));
  MonthlyMeasurement manual = Measurement("m3", "2026-12", 3000000);
  manual.trigger = "manual";
  store.Add(manual);
  EXPECT_THROW(store.Add(Measurement("m1", "2026-11", 1000000)), Error);
  EXPECT_EQ("2026-12", store.LastScheduledMonths().at("tele"));
  EXPECT_EQ(3u, store.ListRunning().size());

  EXPECT_TRUE(store.Complete("m1", 1003000, 1002000, 3, 5000000));
  EXPECT_FALSE(store.Complete("m1", 1009000, 1008000, 3, 5000000));   // recorded once
  EXPECT_TRUE(store.Complete("m2", 2003000, 2002500, 2, 5000000));    // one instance not confirmed
  EXPECT_TRUE(store.Fail("m3", "not acknowledged within 3600 s"));

  MonthlyMeasurement m;
  ASSERT_TRUE(store.Get("m1", m));
  EXPECT_EQ(DailyTestState::Passed, m.state);
  EXPECT_EQ(2000, m.TransferMs());
  EXPECT_DOUBLE_EQ(2.0, m.DicomMegabytesPerSecond());   // 4 MB in 2 s
  EXPECT_DOUBLE_EQ(2.5, m.WireMegabytesPerSecond());
  ASSERT_TRUE(store.Get("m2", m));
  EXPECT_EQ(DailyTestState::Failed, m.state);
  EXPECT_EQ(2u, m.instancesArrived);
  EXPECT_TRUE(Contains(m.reason, "incomplete"));
  ASSERT_TRUE(store.Get("m3", m));
  EXPECT_EQ(0, m.TransferMs());
  EXPECT_EQ(0.0, m.DicomMegabytesPerSecond());

  EXPECT_EQ(2u, store.ListBetween("tele", 1500000, 4000000).size());
  EXPECT_EQ("m3", store.List("tele", 10).front().setId);   // newest first
  EXPECT_TRUE(store.List("other", 10).empty());
}

// ------------------------------------------------------------------------------------------------ rendering

TEST(QaReportRender, CsvQuotesAndDefusesFormulas)
{
  EXPECT_EQ("plain", QaReportRender::CsvField("plain"));
  EXPECT_EQ("\"a,b\"", QaReportRender::CsvField("a,b"));
  EXPECT_EQ("\"say \"\"hi\"\"\"", QaReportRender::CsvField("say \"hi\""));
  EXPECT_EQ("\"two\nlines\"", QaReportRender::CsvField("two\nlines"));
  EXPECT_EQ("'=1+2", QaReportRender::CsvField("=1+2"));
  EXPECT_EQ("'@SUM(A1)", QaReportRender::CsvField("@SUM(A1)"));

  const std::string csv = QaReportRender::Csv(HostileReport());
  EXPECT_TRUE(Contains(csv, "partner,tele,\"<script>alert(1)</script>,=HYPERLINK(\"\"x\"\")\nzweite Zeile\""));
  EXPECT_TRUE(Contains(csv, "daily,2026-12-01,failed,20261201.073000.00000001"));
  EXPECT_TRUE(Contains(csv, "monthly,2026-12,passed,20261201.074500.00000002"));
  EXPECT_TRUE(Contains(csv, ",2000,4000000,5500000,2.000,2.750,3,3,"));   // ms, bytes, MB/s, instances
  EXPECT_TRUE(Contains(csv, "test-data-hash,1.2.3.4," + std::string(64, 'a')));
  EXPECT_TRUE(Contains(csv, "\r\n"));
}

TEST(QaReportRender, HtmlEscapesEveryRecordTextAndLoadsNothing)
{
  EXPECT_EQ("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", QaReportRender::EscapeHtml("<a href=\"x\">&'"));
  const std::string html = QaReportRender::Html(HostileReport());
  EXPECT_FALSE(Contains(html, "<script"));
  EXPECT_FALSE(Contains(html, "<img"));
  EXPECT_FALSE(Contains(html, "<b>Nord"));
  EXPECT_TRUE(Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(Contains(html, "Klinikum &lt;b&gt;Nord&lt;/b&gt; &amp; &quot;Süd&quot;"));
  // Self-contained: no scripts, no external resources, the plot inline.
  EXPECT_FALSE(Contains(html, " src=\""));   // the escaped reason says "src=x" as text only
  EXPECT_FALSE(Contains(html, "href="));
  EXPECT_FALSE(Contains(html, "<link"));
  EXPECT_FALSE(Contains(html, "@import"));
  EXPECT_EQ(1u, Count(html, "<svg"));
  EXPECT_TRUE(Contains(html, "0123456789ABCDEF0123456789ABCDEF01234567"));
  EXPECT_TRUE(Contains(html, "89ABCDEF0123456789ABCDEF0123456789ABCDEF"));
  EXPECT_TRUE(Contains(html, "<td class=\"failed\" title=\"2026-12-01 failed\">x</td>"));
  EXPECT_TRUE(Contains(html, "2.000"));   // DICOM MB/s of the measurement
  EXPECT_TRUE(Contains(html, "nicht erfasst / not recorded"));   // no image-quality record in this build
}

TEST(QaReportRender, PlotHasOneBarAndPointPerMonthWithMeasurements)
{
  MonthlyMeasurement march = Measurement("a", "2026-03", 1000);
  march.receiverCompletedMs = 5000;   // 4 s, 1 MB/s
  MonthlyMeasurement june = Measurement("b", "2026-06", 1000);
  june.receiverCompletedMs = 3000;    // 2 s, 2 MB/s
  MonthlyMeasurement untimed = Measurement("c", "2026-07", 1000);
  MonthlyMeasurement lastYear = Measurement("d", "2025-06", 1000);
  lastYear.receiverCompletedMs = 2000;
  const std::string svg = QaReportRender::TransferPlotSvg({ march, june, untimed, lastYear }, 2026);
  EXPECT_EQ(0u, svg.find("<svg "));
  EXPECT_EQ(2u, Count(svg, "<rect class=\"time\""));
  EXPECT_EQ(2u, Count(svg, "<circle class=\"speed\""));
  EXPECT_TRUE(Contains(svg, "<title>4.000 s</title>"));
  EXPECT_TRUE(Contains(svg, "<title>2.000 MB/s</title>"));
  EXPECT_FALSE(Contains(svg, "<script"));
  EXPECT_EQ(0u, Count(QaReportRender::TransferPlotSvg({}, 2026), "<rect class=\"time\""));
}

// ------------------------------------------------------------------------------------------------ alert

TEST(QaAlert, AFailedTestWithItsAlertDueGetsOneNoticeToTheQaAddressWithoutPatientData)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  NoticeStore notices(db);
  InboxStore inbox(db);
  OutboxStore outbox(db);
  PartnerStore partnerStore(db);
  DailyTestStore tests(db);
  PartnerSettings tele;
  tele.name = "tele";
  tele.displayName = "Teleradiologie Süd";
  tele.addresses = { "tele@partner.example" };
  tele.fromConfiguration = true;
  PartnerDirectory partners({ tele }, partnerStore, 10000000);
  NoticePlanner planner(notices, inbox, outbox, partners, NoticeSettings(), "Klinikum");

  DailyTest t;
  t.setId = "qa-not-started.tele.2026-12-07";
  t.partner = "tele";
  t.testDay = "2026-12-07";
  t.trigger = "schedule";
  t.startedMs = Ms("2026-12-07T07:30:00.000Z");
  t.state = DailyTestState::Failed;
  t.reason = "not started: the QA test study 1.2.826.0.1.3680043.2.1125.7 is not in Orthanc";
  t.alert = DailyTestAlert::Due;
  tests.Add(t);

  // Off until enabled (no notices configured at the site either).
  EXPECT_TRUE(planner.Plan("2026-12-07T08:00:00Z").empty());
  planner.EnableQaAlerts(tests, "qa@klinikum.example");
  const std::vector<PlannedNotice> planned = planner.Plan("2026-12-07T08:00:05Z");
  ASSERT_EQ(1u, planned.size());
  EXPECT_EQ(NoticeKind::QaAlert, planned[0].kind);
  EXPECT_TRUE(planner.Plan("2026-12-07T08:00:10Z").empty());   // still due until sent, but decided once

  const std::vector<QueuedNotice> queued = notices.ListDue("2026-12-07T08:00:10Z", 10);
  ASSERT_EQ(1u, queued.size());
  EXPECT_EQ(std::vector<std::string>({ "qa@klinikum.example" }), queued[0].recipients);
  EXPECT_EQ(NoticeKind::QaAlert, queued[0].kind);
  NoticeFacts facts;
  ASSERT_TRUE(planner.GetFacts(queued[0], facts));
  EXPECT_EQ(QaAlertReason::NotStarted, facts.qaReason);
  const NoticeMessage message = NoticeText::Write(facts);
  EXPECT_TRUE(Contains(message.subject, "Teleradiologie Süd"));
  EXPECT_TRUE(Contains(message.body, "2026-12-07"));
  EXPECT_TRUE(Contains(message.body, "DIN 6868-159"));
  EXPECT_FALSE(Contains(message.body, "1.2.826.0.1.3680043.2.1125.7"));   // the recorded reason never
  EXPECT_FALSE(Contains(message.subject, "1.2.826"));

  tests.MarkAlertSent(t.setId);
  EXPECT_TRUE(tests.ListAlertsDue().empty());
  EXPECT_EQ(QaAlertReason::NoAnswerInTime, ClassifyQaFailure("not acknowledged within 60 s"));
  EXPECT_EQ(QaAlertReason::Warning, ClassifyQaFailure("the partner acknowledged the test with a warning"));
  EXPECT_EQ(QaAlertReason::TransferFailed, ClassifyQaFailure("the test transfer failed: 550 no"));
}
