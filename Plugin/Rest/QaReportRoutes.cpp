// SPDX-License-Identifier: GPL-3.0-or-later
// /dicom-mail/qa/monthly, /availability and /report (#17): the monthly
// measurement, the link's availability and the report for the inspecting
// body (DIN 6868-159), as JSON, CSV and a printable HTML page.

#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"
#include "Core/QualityAssurance/QaClock.h"
#include "Core/QualityAssurance/QaReport.h"
#include "Core/Store/UtcMillis.h"
#include "Plugin/PluginContext.h"
#include "Plugin/QualityAssurance/MonthlyMeasurements.h"
#include "Plugin/QualityAssurance/QaReportBuilder.h"

#include <cstdlib>

namespace DicomMail
{
  namespace
  {
    Json::Value MsOrNull(int64_t ms)
    {
      return ms == 0 ? Json::Value() : Json::Value(UtcMillis::Format(ms));
    }

    Json::Value MeasurementJson(const MonthlyMeasurement& m)
    {
      Json::Value v;
      v["SetId"] = m.setId;
      v["Partner"] = m.partner;
      v["Month"] = m.month;
      v["Trigger"] = m.trigger;
      v["TestData"] = m.testData;
      v["State"] = ToString(m.state);
      v["Reason"] = m.reason;
      v["Started"] = MsOrNull(m.startedMs);
      v["Deadline"] = MsOrNull(m.deadlineMs);
      v["Acknowledged"] = MsOrNull(m.acknowledgedMs);
      v["ReceiverCompleted"] = MsOrNull(m.receiverCompletedMs);
      const bool timed = m.TransferMs() > 0;
      // Our clock at the start, the receiver's at its completion: both on record.
      v["TransferMs"] = timed ? Json::Value(static_cast<Json::Int64>(m.TransferMs())) : Json::Value();
      v["DicomBytes"] = static_cast<Json::UInt64>(m.dicomBytes);
      v["WireBytes"] = static_cast<Json::UInt64>(m.wireBytes);
      v["DicomMBps"] = timed ? Json::Value(m.DicomMegabytesPerSecond()) : Json::Value();
      v["WireMBps"] = timed ? Json::Value(m.WireMegabytesPerSecond()) : Json::Value();
      v["InstancesExpected"] = m.instancesExpected;
      v["InstancesArrived"] = m.instancesArrived;
      v["HashesChecked"] = m.instancesArrived;   // each confirmed against the signed manifest's SHA-256
      v["Complete"] = m.state == DailyTestState::Passed && m.instancesArrived == m.instancesExpected;
      return v;
    }

    Json::Value AvailabilityJson(const AvailabilityFigures& a)
    {
      Json::Value v;
      v["Period"] = a.period;
      v["Days"] = a.days;
      v["WorkingDays"] = a.workingDays;
      v["DayShare"] = a.days == 0 ? Json::Value() : Json::Value(a.DayShare());
      v["Hours"] = a.hours;
      v["WorkingHours"] = a.workingHours;
      v["HourShare"] = a.hours <= 0 ? Json::Value() : Json::Value(a.HourShare());
      v["Target"] = Availability::kTarget;
      v["MeetsTarget"] = a.MeetsTarget();
      return v;
    }

    Json::Value AvailabilityJson(const std::vector<AvailabilityFigures>& months, const AvailabilityFigures& year)
    {
      Json::Value v;
      v["Year"] = AvailabilityJson(year);
      v["Months"] = Json::arrayValue;
      for (const AvailabilityFigures& m : months)
      {
        v["Months"].append(AvailabilityJson(m));
      }
      return v;
    }

    int YearArgument(const RestCall& call)
    {
      SystemQaClock clock;
      const std::string text = call.GetArgument("year", "");
      if (text.empty())
      {
        return clock.ToLocal(clock.NowMs()).year;
      }
      char* end = nullptr;
      const long year = strtol(text.c_str(), &end, 10);
      if (*end != '\0' || year < 2000 || year > 9999)
      {
        throw Error(ErrorKind::BadInput, "\"year\" must be a year from 2000 on");
      }
      return static_cast<int>(year);
    }

    bool IsGet(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return false;
      }
      return true;
    }

    // GET: the monthly measurements sent, newest first (?partner=, ?limit=).
    void ListMonthly(RestCall& call)
    {
      if (!IsGet(call))
      {
        return;
      }
      Json::Value result = Json::arrayValue;
      for (const MonthlyMeasurement& m : MonthlyMeasurementStore(PluginContext::Get().GetInbox().GetDatabase())
             .List(call.GetArgument("partner", ""), call.GetCountArgument("limit", 100)))
      {
        result.append(MeasurementJson(m));
      }
      call.AnswerJson(result);
    }

    // POST /dicom-mail/qa/monthly/run/{partner}: the measurement now.
    void RunMonthly(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      SystemQaClock clock;
      const std::string month = clock.ToLocal(clock.NowMs()).Date().substr(0, 7);
      call.AnswerJson(MeasurementJson(MonthlyMeasurements::Start(call.GetGroup(0), "manual", month)));
    }

    void PartnerAvailability(RestCall& call)
    {
      if (!IsGet(call))
      {
        return;
      }
      AvailabilityFigures year;
      const std::vector<AvailabilityFigures> months =
        QaReportBuilder::ComputeAvailability(call.GetGroup(0), YearArgument(call), year);
      Json::Value v = AvailabilityJson(months, year);
      v["Partner"] = call.GetGroup(0);
      call.AnswerJson(v);
    }

    Json::Value RealTransfersJson(const std::vector<RealTransferFigures>& months)
    {
      Json::Value v = Json::arrayValue;
      for (const RealTransferFigures& f : months)
      {
        const bool timed = f.timed > 0;
        Json::Value m;
        m["Month"] = f.month;
        m["Transfers"] = f.transfers;
        m["Complete"] = f.complete;
        m["CompleteShare"] = f.transfers == 0 ? Json::Value() : Json::Value(f.CompleteShare());
        m["Mails"] = static_cast<Json::UInt64>(f.mails);
        m["MailsArrived"] = static_cast<Json::UInt64>(f.mailsArrived);
        m["Timed"] = f.timed;
        m["MedianMs"] = timed ? Json::Value(f.medianMs) : Json::Value();
        m["P95Ms"] = timed ? Json::Value(f.p95Ms) : Json::Value();
        m["MedianMBps"] = timed ? Json::Value(f.medianMBps) : Json::Value();
        m["P95MBps"] = timed ? Json::Value(f.p95MBps) : Json::Value();
        v.append(m);
      }
      return v;
    }

    Json::Value ReportJson(const QaReport& r)
    {
      Json::Value v;
      v["Site"]["Name"] = r.siteName;
      v["Site"]["Address"] = r.siteAddress;
      v["Site"]["Fingerprint"] = r.siteFingerprint;
      v["Partner"]["Id"] = r.partner;
      v["Partner"]["Name"] = r.partnerName;
      v["Partner"]["Fingerprint"] = r.partnerFingerprint;
      v["Year"] = r.year;
      v["Generated"] = MsOrNull(r.generatedMs);
      v["TestData"]["Source"] = r.testData;
      v["TestData"]["Hashes"] = Json::arrayValue;
      for (const QaReportHash& h : r.testDataHashes)
      {
        Json::Value hash;
        hash["SOPInstanceUID"] = h.sopInstanceUid;
        hash["SHA256"] = h.sha256;
        v["TestData"]["Hashes"].append(hash);
      }
      v["DailyTests"] = Json::objectValue;   // the calendar: day -> result
      for (const DailyTest& t : r.dailyTests)
      {
        Json::Value day;
        day["State"] = ToString(t.state);
        day["SetId"] = t.setId;
        day["Started"] = MsOrNull(t.startedMs);
        day["Acknowledged"] = MsOrNull(t.acknowledgedMs);
        day["ReceiverCompleted"] = MsOrNull(t.receiverCompletedMs);
        day["Reason"] = t.reason;
        v["DailyTests"][t.testDay] = day;   // oldest first: a day's last test stands
      }
      v["MonthlyMeasurements"] = Json::arrayValue;
      for (const MonthlyMeasurement& m : r.measurements)
      {
        v["MonthlyMeasurements"].append(MeasurementJson(m));
      }
      v["Availability"] = AvailabilityJson(r.months, r.wholeYear);
      v["ImageQuality"]["Recorded"] = r.imageQualityRecorded;
      v["ImageQuality"]["Confirmations"] = Json::arrayValue;
      for (const QaReportImageQuality& c : r.imageQuality)
      {
        Json::Value one;
        one["SetId"] = c.setId;
        one["ConfirmedBy"] = c.confirmedBy;
        one["Confirmed"] = MsOrNull(c.confirmedMs);
        v["ImageQuality"]["Confirmations"].append(one);
      }
      // Speed: of the DICOM data sent, of the mails received.
      v["RealTransfers"]["Sent"] = RealTransfersJson(r.sentTransfers);
      v["RealTransfers"]["Received"] = RealTransfersJson(r.receivedTransfers);
      return v;
    }

    void Report(RestCall& call)
    {
      if (IsGet(call))
      {
        call.AnswerJson(ReportJson(QaReportBuilder::Build(call.GetGroup(0), YearArgument(call))));
      }
    }

    void ReportCsv(RestCall& call)
    {
      if (IsGet(call))
      {
        call.AnswerText(QaReportRender::Csv(QaReportBuilder::Build(call.GetGroup(0), YearArgument(call))),
                        "text/csv; charset=utf-8");
      }
    }

    void ReportHtml(RestCall& call)
    {
      if (IsGet(call))
      {
        call.AnswerText(QaReportRender::Html(QaReportBuilder::Build(call.GetGroup(0), YearArgument(call))),
                        "text/html; charset=utf-8");
      }
    }

    // The plot the QA page shows (an <img>: drawn here, nothing from elsewhere).
    void ReportPlot(RestCall& call)
    {
      if (IsGet(call))
      {
        call.AnswerText(QaReportBuilder::TransferPlot(call.GetGroup(0), YearArgument(call)), "image/svg+xml");
      }
    }
  }

  void RegisterQaReportRoutes()
  {
    RegisterRoute<ListMonthly>("/dicom-mail/qa/monthly");
    RegisterRoute<RunMonthly>("/dicom-mail/qa/monthly/run/([^/]+)");
    RegisterRoute<PartnerAvailability>("/dicom-mail/qa/availability/([^/]+)");
    // The two file shapes before the JSON one, whose group would take "x.csv".
    RegisterRoute<ReportCsv>("/dicom-mail/qa/report/([^/]+)\\.csv");
    RegisterRoute<ReportHtml>("/dicom-mail/qa/report/([^/]+)\\.html");
    RegisterRoute<ReportPlot>("/dicom-mail/qa/report/([^/]+)\\.svg");
    RegisterRoute<Report>("/dicom-mail/qa/report/([^/]+)");
  }
}
