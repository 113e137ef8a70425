// SPDX-License-Identifier: GPL-3.0-or-later
// /dicom-mail/qa/...: quality assurance after DIN 6868-159 (#17): the
// schedules, the daily tests we sent and those we received.

#include "Plugin/Rest/Routes.h"

#include "Core/Common/Error.h"
#include "Core/Store/DailyTestStore.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/MonthlyMeasurementStore.h"
#include "Core/Store/QaScheduleStore.h"
#include "Core/QualityAssurance/QaClock.h"
#include "Core/Store/UtcMillis.h"
#include "Plugin/PluginContext.h"
#include "Plugin/QualityAssurance/DailyTests.h"

namespace DicomMail
{
  namespace
  {
    Json::Value MsOrNull(int64_t ms)
    {
      return ms == 0 ? Json::Value() : Json::Value(UtcMillis::Format(ms));
    }

    Json::Value DurationOrNull(int64_t from, int64_t to)
    {
      return (from == 0 || to == 0) ? Json::Value() : Json::Value(static_cast<Json::Int64>(to - from));
    }

    const char* AlertText(DailyTestAlert alert)
    {
      return alert == DailyTestAlert::Due ? "due" : alert == DailyTestAlert::Sent ? "sent" : nullptr;
    }

    DailyTestStore Tests()
    {
      return DailyTestStore(PluginContext::Get().GetInbox().GetDatabase());
    }

    QaScheduleStore Schedules()
    {
      return QaScheduleStore(PluginContext::Get().GetInbox().GetDatabase());
    }

    void ListSchedules(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      Json::Value result = Json::arrayValue;
      for (const QaSchedule& schedule : DailyTests::ListSchedules())
      {
        result.append(schedule.ToJson());
      }
      call.AnswerJson(result);
    }

    void OneSchedule(RestCall& call)
    {
      const std::string partner = call.GetGroup(0);
      QaSchedule existing;
      const bool exists = DailyTests::FindSchedule(partner, existing);
      if (exists && existing.fromConfiguration && call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        throw Error(ErrorKind::BadInput, "the QA schedule of partner \"" + partner +
                    "\" comes from the configuration file and is read-only there");
      }
      switch (call.GetMethod())
      {
        case OrthancPluginHttpMethod_Get:
          if (!exists)
          {
            throw Error(ErrorKind::NotFound, "partner \"" + partner + "\" has no QA schedule");
          }
          call.AnswerJson(existing.ToJson());
          break;

        case OrthancPluginHttpMethod_Put:
        {
          PartnerSettings settings;
          if (!PluginContext::Get().GetPartners().Lookup(partner, settings))
          {
            throw Error(ErrorKind::NotFound, "unknown partner \"" + partner + "\"");
          }
          Json::Value body = call.GetJsonBody();
          body.removeMember("Partner");    // as GET answers it: the URL names the partner
          body.removeMember("ReadOnly");
          const QaSchedule schedule = QaSchedule::Parse(partner, body, "schedule");
          Schedules().Put(schedule);
          call.AnswerJson(schedule.ToJson());
          break;
        }

        case OrthancPluginHttpMethod_Delete:
          if (!Schedules().Remove(partner))
          {
            throw Error(ErrorKind::NotFound, "partner \"" + partner + "\" has no QA schedule");
          }
          call.AnswerJson(Json::objectValue);
          break;

        default:
          call.AnswerMethodNotAllowed("GET,PUT,DELETE");
      }
    }

    Json::Value ToJson(const DailyTest& t)
    {
      Json::Value v;
      v["SetId"] = t.setId;
      v["Partner"] = t.partner;
      v["Day"] = t.testDay;
      v["Trigger"] = t.trigger;
      v["TestData"] = t.testData;
      v["Instances"] = t.instances;
      v["DicomBytes"] = static_cast<Json::UInt64>(t.dicomBytes);
      v["State"] = ToString(t.state);
      v["Reason"] = t.reason;
      v["Started"] = MsOrNull(t.startedMs);
      v["Deadline"] = MsOrNull(t.deadlineMs);
      v["Acknowledged"] = MsOrNull(t.acknowledgedMs);
      v["ReceiverCompleted"] = MsOrNull(t.receiverCompletedMs);
      // Our clock from start to acknowledgement; the receiver's clock for its
      // completion (the two clocks may differ: both are on record).
      v["RoundTripMs"] = DurationOrNull(t.startedMs, t.acknowledgedMs);
      v["TransferMs"] = DurationOrNull(t.startedMs, t.receiverCompletedMs);
      const char* alert = AlertText(t.alert);
      v["Alert"] = alert == nullptr ? Json::Value() : Json::Value(alert);
      AddReportedImageQuality(t.setId, v);
      return v;
    }

    // GET: the daily tests sent, newest first (?partner=, ?limit=).
    void ListDailyTests(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      Json::Value result = Json::arrayValue;
      for (const DailyTest& test : Tests().List(call.GetArgument("partner", ""), call.GetCountArgument("limit", 100)))
      {
        result.append(ToJson(test));
      }
      call.AnswerJson(result);
    }

    void OneDailyTest(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      DailyTest test;
      if (!Tests().Get(call.GetGroup(0), test))
      {
        throw Error(ErrorKind::NotFound, "no daily test with SetId \"" + call.GetGroup(0) + "\"");
      }
      call.AnswerJson(ToJson(test));
    }

    // POST /dicom-mail/qa/daily-tests/run/{partner}: the daily test now.
    void RunDailyTest(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Post)
      {
        call.AnswerMethodNotAllowed("POST");
        return;
      }
      SystemQaClock clock;
      const DailyTest test = DailyTests::Start(call.GetGroup(0), "manual", clock.ToLocal(clock.NowMs()).Date());
      call.AnswerJson(ToJson(test));
    }

    // GET: the daily tests received from partners (the receiver's record),
    // newest first.
    void ListReceivedTests(RestCall& call)
    {
      if (call.GetMethod() != OrthancPluginHttpMethod_Get)
      {
        call.AnswerMethodNotAllowed("GET");
        return;
      }
      TransferFilter filter;
      filter.partner = call.GetArgument("partner", "");
      filter.qaTests = TransferFilter::QaTests::Only;
      const bool kept = PluginContext::Get().GetConfiguration().qualityAssurance.receivedTests ==
        ReceivedTestPolicy::Keep;
      Json::Value result = Json::arrayValue;
      for (const InboxTransfer& t : PluginContext::Get().GetInbox().ListTransfers(
             call.GetCountArgument("limit", 100), 0, filter))
      {
        Json::Value v;
        v["SetId"] = t.setId;
        v["Partner"] = t.partner;
        v["SignerFingerprint"] = t.signerFingerprint;
        v["State"] = ToString(t.state);
        v["InstancesChecked"] = t.instancesImported + t.instancesAlreadyStored;
        v["InstancesFailed"] = t.instancesFailed;
        v["FirstReceived"] = t.firstReceived;
        v["Completed"] = MsOrNull(t.completedMs);
        v["Kept"] = kept;   // the policy at the time of asking
        AddGivenImageQuality(t.setId, kept, v);
        v["Reasons"] = Json::arrayValue;
        for (const std::string& reason : t.reasons)
        {
          v["Reasons"].append(reason);
        }
        result.append(v);
      }
      call.AnswerJson(result);
    }
  }

  namespace
  {
    // The status's short word on a partner's last monthly measurement.
    Json::Value LastMeasurementJson(const std::vector<MonthlyMeasurement>& last)
    {
      if (last.empty())
      {
        return Json::Value();
      }
      const MonthlyMeasurement& m = last.front();
      Json::Value v;
      v["SetId"] = m.setId;
      v["Month"] = m.month;
      v["State"] = ToString(m.state);
      v["Started"] = MsOrNull(m.startedMs);
      v["TransferMs"] = m.TransferMs() > 0 ? Json::Value(static_cast<Json::Int64>(m.TransferMs())) : Json::Value();
      v["Reason"] = m.reason;
      return v;
    }
  }

  Json::Value QaStatus()
  {
    Json::Value v;
    v["ReceivedTests"] = ToString(PluginContext::Get().GetConfiguration().qualityAssurance.receivedTests);
    v["Partners"] = Json::objectValue;
    DailyTestStore tests = Tests();
    MonthlyMeasurementStore measurements(PluginContext::Get().GetInbox().GetDatabase());
    unsigned int failing = 0;
    for (const QaSchedule& schedule : DailyTests::ListSchedules())
    {
      const std::vector<DailyTest> last = tests.List(schedule.partner, 1);
      Json::Value p;
      p["Teleradiology"] = schedule.teleradiology;
      p["LastDailyTest"] = last.empty() ? Json::Value() : ToJson(last.front());
      p["LastMonthlyMeasurement"] = LastMeasurementJson(measurements.List(schedule.partner, 1));
      const bool failed = !last.empty() && last.front().state == DailyTestState::Failed;
      p["Failing"] = failed;
      failing += failed ? 1 : 0;
      v["Partners"][schedule.partner] = p;
    }
    v["FailingPartners"] = failing;
    v["AlertsDue"] = static_cast<Json::UInt64>(tests.ListAlertsDue().size());
    return v;
  }

  void RegisterQaRoutes()
  {
    RegisterRoute<ListSchedules>("/dicom-mail/qa/schedules");
    RegisterRoute<OneSchedule>("/dicom-mail/qa/schedules/([^/]+)");
    RegisterRoute<ListDailyTests>("/dicom-mail/qa/daily-tests");
    RegisterRoute<RunDailyTest>("/dicom-mail/qa/daily-tests/run/([^/]+)");
    RegisterRoute<OneDailyTest>("/dicom-mail/qa/daily-tests/([^/]+)");
    RegisterRoute<ListReceivedTests>("/dicom-mail/qa/received-tests");
  }
}
