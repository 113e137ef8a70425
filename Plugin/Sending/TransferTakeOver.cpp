// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Sending/TransferTakeOver.h"

#include "Core/Sending/SendingLeases.h"
#include "Plugin/Jobs/SendJob.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/SendingNode.h"

#include <chrono>

namespace DicomMail
{
  namespace
  {
    // Transfers taken over per pass; more wait for the next.
    const unsigned int kBatch = 20;
  }

  TransferTakeOver::~TransferTakeOver()
  {
    Stop();
  }

  void TransferTakeOver::Start()
  {
    thread_.Start([this] { Run(); });
  }

  void TransferTakeOver::Stop()
  {
    thread_.Stop();
  }

  void TransferTakeOver::Run()
  {
    do
    {
      try
      {
        Pass();
      }
      catch (const std::exception& e)
      {
        OrthancApi::LogError(std::string("DICOM-Mail: renewing or taking over send jobs failed: ") + e.what());
      }
    }
    while (!thread_.Sleep(std::chrono::seconds(SendingLeases::kRenewSeconds)));
  }

  void TransferTakeOver::Pass()
  {
    OutboxStore& outbox = PluginContext::Get().GetOutbox();
    outbox.RenewClaims(SendingNode::Terms(SendingLeases::kTransferSeconds));
    for (const auto& orphan : outbox.ClaimOrphans(SendingNode::Terms(SendingLeases::kTransferSeconds), kBatch))
    {
      const std::string& setId = orphan.first;
      try
      {
        const std::string jobId = OrthancJob::Submit(new SendJob(setId, orphan.second), 0);
        outbox.SetJobId(setId, jobId);
        OrthancApi::LogWarning("transfer " + setId + ": the node that sent it stopped; resumed on node " +
                               SendingNode::Name() + ", job " + jobId);
      }
      catch (const std::exception& e)
      {
        outbox.SetTransferState(setId, TransferState::Failed, std::string("cannot resume: ") + e.what());
        OrthancApi::LogError("transfer " + setId + ": cannot resume the send job of a node that stopped: " +
                             e.what());
      }
    }
  }
}
