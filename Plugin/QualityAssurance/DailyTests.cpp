// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/QualityAssurance/DailyTests.h"

#include "Core/Common/Error.h"
#include "Core/QualityAssurance/QaTestSeries.h"
#include "Core/Store/QaScheduleStore.h"
#include "Core/Store/UtcMillis.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/TransferSubmitter.h"

#include <algorithm>
#include <mutex>

namespace DicomMail
{
  namespace DailyTests
  {
    namespace
    {
      // Starting a test and applying news to it read and write the same record.
      std::mutex mutex_;

      DailyTestStore Tests()
      {
        return DailyTestStore(PluginContext::Get().GetInbox().GetDatabase());
      }

      // The built-in series goes through Orthanc like any study, so the send
      // job reads it as it reads every other (stored once: fixed UIDs).
      std::vector<std::string> UploadGeneratedSeries()
      {
        std::vector<std::string> ids;
        for (const QaTestSeries::Instance& instance : QaTestSeries::Generate())
        {
          const OrthancApi::RestAnswer answer = OrthancApi::Call(OrthancPluginHttpMethod_Post, "/instances",
                                                                 instance.content.data(), instance.content.size());
          if (answer.status != 200)
          {
            throw Error(ErrorKind::Internal, "Orthanc refused the QA test series (HTTP " +
                        std::to_string(answer.status) + ")");
          }
          ids.push_back(OrthancApi::ParseJson(answer.body)["ID"].asString());
        }
        return ids;
      }

      std::string FindStudy(const std::string& studyInstanceUid)
      {
        const OrthancApi::RestAnswer answer = OrthancApi::Call(OrthancPluginHttpMethod_Post, "/tools/lookup",
                                                               studyInstanceUid.data(), studyInstanceUid.size());
        if (answer.status == 200)
        {
          for (const Json::Value& match : OrthancApi::ParseJson(answer.body))
          {
            if (match["Type"].asString() == "Study")
            {
              return match["ID"].asString();
            }
          }
        }
        throw Error(ErrorKind::NotFound, "the QA test study " + studyInstanceUid + " is not in Orthanc");
      }

      void Fail(DailyTestStore& tests, const std::string& setId, const std::string& reason)
      {
        if (tests.Fail(setId, reason, !PluginContext::Get().GetConfiguration().qualityAssurance.alertAddress.empty()))
        {
          OrthancApi::LogWarning("daily QA test " + setId + " failed: " + reason);
        }
      }
    }

    std::vector<QaSchedule> ListSchedules()
    {
      std::vector<QaSchedule> schedules = PluginContext::Get().GetConfiguration().qualityAssurance.schedules;
      for (const QaSchedule& schedule : QaScheduleStore(PluginContext::Get().GetInbox().GetDatabase()).List())
      {
        const bool inFile = std::any_of(schedules.begin(), schedules.end(), [&](const QaSchedule& s) {
          return s.partner == schedule.partner;
        });
        if (!inFile)   // the file wins, as for partners
        {
          schedules.push_back(schedule);
        }
      }
      return schedules;
    }

    bool FindSchedule(const std::string& partner, QaSchedule& schedule)
    {
      for (const QaSchedule& s : ListSchedules())
      {
        if (s.partner == partner)
        {
          schedule = s;
          return true;
        }
      }
      return false;
    }

    DailyTest Start(const std::string& partner, const std::string& trigger, const std::string& testDay)
    {
      QaSchedule schedule;
      if (!FindSchedule(partner, schedule))
      {
        throw Error(ErrorKind::NotFound, "partner \"" + partner + "\" has no QA schedule");
      }
      SendRequest request;
      request.partner = partner;
      request.origin = "qa-daily-test (" + trigger + ")";
      request.qaTest = true;
      request.resources = schedule.UsesGeneratedTestData() ? UploadGeneratedSeries() :
        std::vector<std::string>{ FindStudy(schedule.testData) };

      std::lock_guard<std::mutex> lock(mutex_);
      const int64_t startedMs = UtcMillis::Now();
      const SendResponse response = SubmitTransfer(request);
      DailyTest test;
      test.setId = response.setId;
      test.partner = partner;
      test.testDay = testDay;
      test.trigger = trigger;
      test.testData = schedule.testData;
      test.instances = static_cast<unsigned int>(response.instanceIds.size());
      OutboxTransfer transfer;
      std::vector<OutboxMail> mails;
      if (PluginContext::Get().GetOutbox().GetTransfer(response.setId, transfer, mails))
      {
        test.dicomBytes = transfer.totalBytes;
      }
      test.startedMs = startedMs;
      test.deadlineMs = startedMs + static_cast<int64_t>(schedule.acknowledgementTimeout) * 1000;
      Tests().Add(test);
      OrthancApi::LogWarning("daily QA test " + test.setId + " to partner " + partner + " started (" + trigger + ")");
      return test;
    }

    void OnTransferChanged(const std::string& setId)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      DailyTestStore tests = Tests();
      DailyTest test;
      if (!tests.Get(setId, test) || test.state != DailyTestState::Running)
      {
        return;
      }
      OutboxTransfer transfer;
      std::vector<OutboxMail> mails;
      if (!PluginContext::Get().GetOutbox().GetTransfer(setId, transfer, mails))
      {
        return;
      }
      if (transfer.state == TransferState::Acknowledged)
      {
        const bool allReceived = std::all_of(mails.begin(), mails.end(), [](const OutboxMail& m) {
          return m.state == MailState::Acknowledged;   // a warning is no pass
        });
        if (!allReceived)
        {
          Fail(tests, setId, "the partner acknowledged the test with a warning");
          return;
        }
        int64_t receiverCompleted = 0;
        for (const OutboxMail& mail : mails)
        {
          receiverCompleted = std::max(receiverCompleted, mail.receiverCompletedMs);
        }
        const int64_t now = UtcMillis::Now();
        if (now > test.deadlineMs)
        {
          Fail(tests, setId, "acknowledged after the deadline");
        }
        else if (tests.Pass(setId, now, receiverCompleted))
        {
          OrthancApi::LogWarning("daily QA test " + setId + " to partner " + test.partner + " passed in " +
                                 std::to_string(now - test.startedMs) + " ms");
        }
      }
      else if (transfer.state == TransferState::Failed || transfer.state == TransferState::Canceled)
      {
        Fail(tests, setId, "the test transfer " + std::string(ToString(transfer.state)) +
             (transfer.reason.empty() ? "" : ": " + transfer.reason));
      }
    }

    void FailOverdue(const std::vector<std::string>& setIds)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      DailyTestStore tests = Tests();
      for (const std::string& setId : setIds)
      {
        DailyTest test;
        if (tests.Get(setId, test))
        {
          QaSchedule schedule;
          const unsigned int timeout = FindSchedule(test.partner, schedule) ? schedule.acknowledgementTimeout :
            static_cast<unsigned int>((test.deadlineMs - test.startedMs) / 1000);
          Fail(tests, setId, "not acknowledged within " + std::to_string(timeout) + " s");
        }
      }
    }
  }
}
