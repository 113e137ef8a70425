// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/QualityAssurance/DailyTests.h"

#include "Core/Common/Error.h"
#include "Core/Store/QaScheduleStore.h"
#include "Core/Store/UtcMillis.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/QualityAssurance/TestTransfer.h"

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
      std::lock_guard<std::mutex> lock(mutex_);
      const SubmittedTestTransfer submitted = TestTransfer::Submit(partner, trigger, false);
      DailyTest test;
      test.setId = submitted.setId;
      test.partner = partner;
      test.testDay = testDay;
      test.trigger = trigger;
      test.testData = submitted.schedule.testData;
      test.instances = submitted.instances;
      test.dicomBytes = submitted.dicomBytes;
      test.startedMs = submitted.startedMs;
      test.deadlineMs = submitted.deadlineMs;
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
