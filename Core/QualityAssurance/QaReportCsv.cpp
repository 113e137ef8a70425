// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/QualityAssurance/QaReport.h"
#include "Core/QualityAssurance/QaReportText.h"

#include <initializer_list>

namespace DicomMail
{
  namespace QaReportRender
  {
    namespace
    {
      // One record: the first field names its kind, so one file holds every table.
      void Row(std::string& out, std::initializer_list<std::string> fields)
      {
        bool first = true;
        for (const std::string& field : fields)
        {
          out += (first ? "" : ",") + CsvField(field);
          first = false;
        }
        out += "\r\n";
      }

      const QaReportImageQuality* FindConfirmation(const QaReport& report, const std::string& setId)
      {
        for (const QaReportImageQuality& c : report.imageQuality)
        {
          if (c.setId == setId)
          {
            return &c;
          }
        }
        return nullptr;
      }

      void AvailabilityRow(std::string& out, const AvailabilityFigures& a)
      {
        using namespace QaReportText;
        Row(out, { "availability", a.period, std::to_string(a.days), std::to_string(a.workingDays),
                   a.days == 0 ? "" : Percent(a.DayShare()), Fixed(a.hours, 1), Fixed(a.workingHours, 1),
                   a.hours <= 0 ? "" : Percent(a.HourShare()), a.MeetsTarget() ? "yes" : "no" });
      }

      void RealTransferRows(std::string& out, const char* direction, const std::vector<RealTransferFigures>& months)
      {
        using namespace QaReportText;
        for (const RealTransferFigures& f : months)
        {
          if (f.transfers == 0)
          {
            continue;
          }
          const bool timed = f.timed > 0;
          Row(out, { "real", direction, f.month, std::to_string(f.transfers), std::to_string(f.complete),
                     std::to_string(f.timed), timed ? Fixed(f.medianMs, 0) : "", timed ? Fixed(f.p95Ms, 0) : "",
                     timed ? Fixed(f.medianMBps, 3) : "", timed ? Fixed(f.p95MBps, 3) : "", std::to_string(f.mails),
                     std::to_string(f.mailsArrived) });
        }
      }
    }

    std::string Csv(const QaReport& r)
    {
      using namespace QaReportText;
      std::string out;
      Row(out, { "record", "DICOM-Mail QA report (DIN 6868-159)", std::to_string(r.year), Time(r.generatedMs) });
      Row(out, { "site", r.siteName, r.siteAddress, r.siteFingerprint });
      Row(out, { "partner", r.partner, r.partnerName, r.partnerFingerprint });
      Row(out, { "test-data", r.testData });
      for (const QaReportHash& h : r.testDataHashes)
      {
        Row(out, { "test-data-hash", h.sopInstanceUid, h.sha256 });
      }
      Row(out, { "daily-header", "day", "state", "set id", "started", "acknowledged", "receiver completed",
                 "round trip ms", "reason" });
      for (const DailyTest& t : r.dailyTests)
      {
        Row(out, { "daily", t.testDay, ToString(t.state), t.setId, Time(t.startedMs), Time(t.acknowledgedMs),
                   Time(t.receiverCompletedMs),
                   t.acknowledgedMs == 0 ? "" : std::to_string(t.acknowledgedMs - t.startedMs), t.reason });
      }
      Row(out, { "monthly-header", "month", "state", "set id", "started", "receiver completed", "transfer ms",
                 "dicom bytes", "wire bytes", "dicom MB/s", "wire MB/s", "instances expected", "instances arrived",
                 "image quality confirmed by", "image quality confirmed at", "reason" });
      for (const MonthlyMeasurement& m : r.measurements)
      {
        const QaReportImageQuality* iq = FindConfirmation(r, m.setId);
        const bool timed = m.TransferMs() > 0;
        Row(out, { "monthly", m.month, ToString(m.state), m.setId, Time(m.startedMs), Time(m.receiverCompletedMs),
                   timed ? std::to_string(m.TransferMs()) : "", std::to_string(m.dicomBytes),
                   std::to_string(m.wireBytes), timed ? Fixed(m.DicomMegabytesPerSecond(), 3) : "",
                   timed ? Fixed(m.WireMegabytesPerSecond(), 3) : "", std::to_string(m.instancesExpected),
                   std::to_string(m.instancesArrived), iq == nullptr ? "" : iq->confirmedBy,
                   iq == nullptr ? "" : Time(iq->confirmedMs), m.reason });
      }
      Row(out, { "availability-header", "period", "days", "working days", "day share %", "hours", "working hours",
                 "hour share %", "meets 98 %" });
      for (const AvailabilityFigures& a : r.months)
      {
        AvailabilityRow(out, a);
      }
      AvailabilityRow(out, r.wholeYear);
      // Speed: DICOM bytes of what we sent, mail bytes of what we received.
      Row(out, { "real-header", "direction", "month", "transfers", "complete", "timed", "median ms", "p95 ms",
                 "median MB/s", "p95 MB/s", "mails", "mails arrived" });
      RealTransferRows(out, "sent", r.sentTransfers);
      RealTransferRows(out, "received", r.receivedTransfers);
      return out;
    }
  }
}
