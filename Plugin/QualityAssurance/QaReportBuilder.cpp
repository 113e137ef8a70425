// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/QualityAssurance/QaReportBuilder.h"

#include "Core/Common/Error.h"
#include "Core/QualityAssurance/QaClock.h"
#include "Core/QualityAssurance/QaTestSeries.h"
#include "Core/Store/ImageQualityConfirmationStore.h"
#include "Core/Store/RealTransferStore.h"
#include "Core/Store/UtcTime.h"
#include "Core/Store/UtcMillis.h"
#include "Plugin/PluginContext.h"
#include "Plugin/QualityAssurance/DailyTests.h"

#include <algorithm>
#include <ctime>

namespace DicomMail
{
  namespace QaReportBuilder
  {
    namespace
    {
      const unsigned int kPage = 1000;
      const unsigned int kMaxRecords = 100000;   // a year of daily tests is a few hundred

      // Local midnight at the site of the first day of "month" (13: next January).
      int64_t MonthStartMs(int year, int month)
      {
        struct tm parts = {};
        parts.tm_year = year - 1900 + (month - 1) / 12;
        parts.tm_mon = (month - 1) % 12;
        parts.tm_mday = 1;
        parts.tm_isdst = -1;
        return static_cast<int64_t>(mktime(&parts)) * 1000;
      }

      std::string DayOf(const SystemQaClock& clock, int64_t ms)
      {
        return clock.ToLocal(ms).Date();
      }

      std::vector<DailyTest> DailyTestsOfYear(const std::string& partner, int64_t from, int64_t to)
      {
        std::vector<DailyTest> tests;
        for (const DailyTest& t : DailyTestStore(PluginContext::Get().GetInbox().GetDatabase()).List(partner, kMaxRecords))
        {
          if (t.startedMs >= from && t.startedMs < to)
          {
            tests.push_back(t);
          }
        }
        std::reverse(tests.begin(), tests.end());   // oldest first
        return tests;
      }

      // Real transfers acknowledged (sent) or complete (received) in the
      // period, a page at a time: memory stays bounded by what is kept.
      void AddRealTransfers(const std::string& partner, int64_t from, int64_t to, const SystemQaClock& clock,
                            std::vector<LinkEvidence>& evidence)
      {
        PluginContext& context = PluginContext::Get();
        TransferFilter filter;
        filter.partner = partner;
        filter.from = UtcTime::FromUnix(from / 1000 - 86400);   // created before, acknowledged within
        filter.to = UtcTime::FromUnix(to / 1000);
        filter.state = ToString(TransferState::Acknowledged);
        for (unsigned int offset = 0; offset < kMaxRecords; offset += kPage)
        {
          const std::vector<OutboxTransfer> page = context.GetOutbox().ListTransfers(kPage, offset, filter);
          for (const OutboxTransfer& t : page)
          {
            const int64_t ms = t.finished.empty() ? 0 : UtcTime::ToUnix(t.finished) * 1000;
            if (ms >= from && ms < to)
            {
              evidence.push_back(LinkEvidence{ ms, DayOf(clock, ms), true });
            }
          }
          if (page.size() < kPage)
          {
            break;
          }
        }
        for (InboxTransferState state : { InboxTransferState::Complete, InboxTransferState::CompleteWithWarnings })
        {
          filter.state = ToString(state);
          for (unsigned int offset = 0; offset < kMaxRecords; offset += kPage)
          {
            const std::vector<InboxTransfer> page = context.GetInbox().ListTransfers(kPage, offset, filter);
            for (const InboxTransfer& t : page)
            {
              const int64_t ms = t.completedMs != 0 ? t.completedMs :
                (t.completedAt.empty() ? 0 : UtcTime::ToUnix(t.completedAt) * 1000);
              if (ms >= from && ms < to)
              {
                evidence.push_back(LinkEvidence{ ms, DayOf(clock, ms), true });
              }
            }
            if (page.size() < kPage)
            {
              break;
            }
          }
        }
      }

      std::vector<LinkEvidence> Evidence(const std::string& partner, int64_t from, int64_t to,
                                         const std::vector<DailyTest>& tests,
                                         const std::vector<MonthlyMeasurement>& measurements)
      {
        SystemQaClock clock;
        std::vector<LinkEvidence> evidence;
        for (const DailyTest& t : tests)
        {
          if (t.state == DailyTestState::Passed)
          {
            evidence.push_back(LinkEvidence{ t.acknowledgedMs, t.testDay, true });
          }
          else if (t.state == DailyTestState::Failed)
          {
            evidence.push_back(LinkEvidence{ t.startedMs, t.testDay, false });
          }
        }
        for (const MonthlyMeasurement& m : measurements)
        {
          if (m.state == DailyTestState::Passed)
          {
            evidence.push_back(LinkEvidence{ m.acknowledgedMs, DayOf(clock, m.startedMs), true });
          }
        }
        AddRealTransfers(partner, from, to, clock, evidence);
        return evidence;
      }

      std::vector<AvailabilityFigures> Compute(const QaSchedule& schedule, int year,
                                               const std::vector<LinkEvidence>& evidence,
                                               AvailabilityFigures& wholeYear)
      {
        SystemQaClock clock;
        const int64_t now = clock.NowMs();
        const std::string today = DayOf(clock, now);
        char first[16];
        char last[16];
        std::vector<AvailabilityFigures> months;
        for (int m = 1; m <= 12; m++)
        {
          snprintf(first, sizeof(first), "%04d-%02d-01", year, m);
          snprintf(last, sizeof(last), "%04d-%02d-%02d", year, m, Availability::DaysInMonth(year, m));
          months.push_back(Availability::Compute(schedule, evidence, std::string(first).substr(0, 7), first, last,
                                                 MonthStartMs(year, m), MonthStartMs(year, m + 1), today, now));
        }
        const std::string y = std::to_string(year);
        wholeYear = Availability::Compute(schedule, evidence, y, y + "-01-01", y + "-12-31", MonthStartMs(year, 1),
                                          MonthStartMs(year, 13), today, now);
        return months;
      }

      QaSchedule ScheduleOf(const std::string& partner)
      {
        QaSchedule schedule;
        if (!DailyTests::FindSchedule(partner, schedule))
        {
          throw Error(ErrorKind::NotFound, "partner \"" + partner + "\" has no QA schedule");
        }
        return schedule;
      }
    }

    std::vector<AvailabilityFigures> ComputeAvailability(const std::string& partner, int year,
                                                         AvailabilityFigures& wholeYear)
    {
      const QaSchedule schedule = ScheduleOf(partner);
      const int64_t from = MonthStartMs(year, 1);
      const int64_t to = MonthStartMs(year, 13);
      const std::vector<MonthlyMeasurement> measurements =
        MonthlyMeasurementStore(PluginContext::Get().GetInbox().GetDatabase()).ListBetween(partner, from, to);
      return Compute(schedule, year, Evidence(partner, from, to, DailyTestsOfYear(partner, from, to), measurements),
                     wholeYear);
    }

    std::vector<QaReportImageQuality> ImageQualityConfirmations(const std::vector<MonthlyMeasurement>& measurements,
                                                                bool& recorded)
    {
      // Only what the partner reported in a verified mail for a test we sent.
      ImageQualityConfirmationStore store(PluginContext::Get().GetInbox().GetDatabase());
      std::vector<QaReportImageQuality> result;
      for (const MonthlyMeasurement& m : measurements)
      {
        ReportedImageQualityConfirmation reported;
        if (store.GetReported(m.setId, reported))
        {
          result.push_back(QaReportImageQuality{ reported.setId, reported.confirmedBy, reported.confirmedMs });
        }
      }
      recorded = true;
      return result;
    }

    std::string TransferPlot(const std::string& partner, int year)
    {
      ScheduleOf(partner);   // a partner without a schedule has no report: NotFound, as there
      return QaReportRender::TransferPlotSvg(MonthlyMeasurementStore(PluginContext::Get().GetInbox().GetDatabase())
                                               .ListBetween(partner, MonthStartMs(year, 1), MonthStartMs(year, 13)),
                                             year);
    }

    QaReport Build(const std::string& partner, int year)
    {
      PluginContext& context = PluginContext::Get();
      const QaSchedule schedule = ScheduleOf(partner);
      QaReport report;
      report.siteName = context.GetConfiguration().siteName;
      report.siteAddress = context.GetConfiguration().siteAddress;
      report.siteFingerprint = context.GetSiteFingerprint();
      report.partner = partner;
      report.partnerName = partner;
      PartnerSettings settings;
      if (context.GetPartners().Lookup(partner, settings))
      {
        report.partnerName = settings.displayName.empty() ? partner : settings.displayName;
        report.partnerFingerprint = settings.fingerprint;
      }
      report.year = year;
      report.generatedMs = UtcMillis::Now();
      report.testData = schedule.testData;
      if (schedule.UsesGeneratedTestData())
      {
        for (const QaTestSeries::Instance& instance : QaTestSeries::Generate())
        {
          report.testDataHashes.push_back(QaReportHash{ instance.sopInstanceUid, instance.sha256 });
        }
      }
      const int64_t from = MonthStartMs(year, 1);
      const int64_t to = MonthStartMs(year, 13);
      report.dailyTests = DailyTestsOfYear(partner, from, to);
      report.measurements = MonthlyMeasurementStore(context.GetInbox().GetDatabase()).ListBetween(partner, from, to);
      report.months = Compute(schedule, year, Evidence(partner, from, to, report.dailyTests, report.measurements),
                              report.wholeYear);
      report.imageQuality = ImageQualityConfirmations(report.measurements, report.imageQualityRecorded);
      RealTransferStore real(context.GetInbox().GetDatabase());
      const std::string fromText = UtcTime::FromUnix(from / 1000);
      const std::string toText = UtcTime::FromUnix(to / 1000);
      const SystemQaClock clock;
      report.sentTransfers = RealTransfers::PerMonth(real.Sent(partner, fromText, toText), year, clock);
      report.receivedTransfers = RealTransfers::PerMonth(real.Received(partner, fromText, toText), year, clock);
      return report;
    }
  }
}
