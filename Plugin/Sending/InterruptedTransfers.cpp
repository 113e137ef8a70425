// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Sending/InterruptedTransfers.h"

#include "Core/Store/OutboxStore.h"
#include "Core/Store/UtcTime.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/SendingNode.h"

#include <json/value.h>

#include <vector>

namespace DicomMail
{
  namespace InterruptedTransfers
  {
    namespace
    {
      bool OrthancKnowsJob(const std::string& jobId)
      {
        Json::Value job;
        return !jobId.empty() && OrthancApi::LookupJson("/jobs/" + jobId, job);
      }

      std::vector<OutboxTransfer> WaitingFor(OutboxStore& outbox, TransferState state, const std::string& before)
      {
        // Transfers created since start-up may not have their job id yet.
        TransferFilter filter;
        filter.state = ToString(state);
        filter.to = UtcTime::FromUnix(UtcTime::ToUnix(before) - 1);
        std::vector<OutboxTransfer> all;
        const unsigned int page = 500;
        for (unsigned int offset = 0;; offset += page)
        {
          const std::vector<OutboxTransfer> some = outbox.ListTransfers(page, offset, filter);
          all.insert(all.end(), some.begin(), some.end());
          if (some.size() < page)
          {
            return all;
          }
        }
      }
    }

    unsigned int FailThoseWithoutJob(const std::string& startedAt)
    {
      OutboxStore& outbox = PluginContext::Get().GetOutbox();
      unsigned int failed = 0;
      for (TransferState state : { TransferState::Pending, TransferState::Sending })
      {
        for (const OutboxTransfer& transfer : WaitingFor(outbox, state, startedAt))
        {
          // Another node's (#18) is that node's job, or TransferTakeOver's.
          const bool ours = transfer.claimedBy.empty() || transfer.claimedBy == SendingNode::Name();
          if (ours && OutboxStates::NeedsJob(transfer.state) && !OrthancKnowsJob(transfer.jobId) &&
              outbox.SetTransferState(transfer.setId, TransferState::Failed,
                                      "interrupted: Orthanc stopped before it saved the send job; use Resend"))
          {
            OrthancApi::LogWarning("transfer " + transfer.setId + " to partner " + transfer.partner +
                                   ": its send job was lost when Orthanc stopped; marked failed, ready to resend");
            failed++;
          }
        }
      }
      return failed;
    }
  }
}
