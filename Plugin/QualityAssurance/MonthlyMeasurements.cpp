// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/QualityAssurance/MonthlyMeasurements.h"

#include "Core/Store/UtcMillis.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/QualityAssurance/TestTransfer.h"

#include <algorithm>
#include <mutex>

namespace DicomMail
{
  namespace MonthlyMeasurements
  {
    namespace
    {
      // Starting a measurement and applying news to it read and write the same record.
      std::mutex mutex_;

      MonthlyMeasurementStore Measurements()
      {
        return MonthlyMeasurementStore(PluginContext::Get().GetInbox().GetDatabase());
      }
    }

    MonthlyMeasurement Start(const std::string& partner, const std::string& trigger, const std::string& month)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const SubmittedTestTransfer submitted = TestTransfer::Submit(partner, trigger, true);
      MonthlyMeasurement m;
      m.setId = submitted.setId;
      m.partner = partner;
      m.month = month;
      m.trigger = trigger;
      m.testData = submitted.schedule.testData;
      m.instancesExpected = submitted.instances;
      m.dicomBytes = submitted.dicomBytes;
      m.startedMs = submitted.startedMs;
      m.deadlineMs = submitted.deadlineMs;
      Measurements().Add(m);
      OrthancApi::LogWarning("monthly QA measurement " + m.setId + " to partner " + partner + " started (" +
                             trigger + ")");
      return m;
    }

    void OnTransferChanged(const std::string& setId)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      MonthlyMeasurementStore store = Measurements();
      MonthlyMeasurement m;
      OutboxTransfer transfer;
      std::vector<OutboxMail> mails;
      if (!store.Get(setId, m) || m.state != DailyTestState::Running || !TestTransfer::Read(setId, transfer, mails))
      {
        return;
      }
      if (transfer.state == TransferState::Acknowledged)
      {
        // An instance counts as arrived when its mail was acknowledged
        // without a warning: the receiver checked it against the signed
        // manifest's SHA-256 (and the built-in series against its own).
        unsigned int arrived = 0;
        uint64_t wireBytes = 0;
        int64_t receiverCompleted = 0;
        for (const OutboxMail& mail : mails)
        {
          arrived += mail.state == MailState::Acknowledged ? static_cast<unsigned int>(mail.instances.size()) : 0;
          wireBytes += mail.bytes;
          receiverCompleted = std::max(receiverCompleted, mail.receiverCompletedMs);
        }
        if (store.Complete(setId, UtcMillis::Now(), receiverCompleted, arrived, wireBytes))
        {
          OrthancApi::LogWarning("monthly QA measurement " + setId + " to partner " + m.partner + ": " +
                                 std::to_string(arrived) + " of " + std::to_string(m.instancesExpected) +
                                 " instances confirmed");
        }
      }
      else if (transfer.state == TransferState::Failed || transfer.state == TransferState::Canceled)
      {
        store.Fail(setId, "the measurement transfer " + std::string(ToString(transfer.state)));
      }
    }

    void FailOverdue(int64_t nowMs)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      MonthlyMeasurementStore store = Measurements();
      for (const MonthlyMeasurement& m : store.ListRunning())
      {
        if (nowMs > m.deadlineMs && store.Fail(m.setId, "not acknowledged within " +
                                               std::to_string((m.deadlineMs - m.startedMs) / 1000) + " s"))
        {
          OrthancApi::LogWarning("monthly QA measurement " + m.setId + " to partner " + m.partner + " failed");
        }
      }
    }
  }
}
