// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Polling/IPollEvents.h"
#include "Plugin/Sending/TransferTakeOver.h"
#include "Plugin/Workers/AcknowledgementSender.h"

#include <memory>

#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace DicomMail
{
  // The sender's side of acknowledgements: sends our MDNs (from the durable
  // queue, see AcknowledgementSender), applies the partners' MDNs to the
  // outbox, and resends mails that got a retryable negative answer or none
  // within AcknowledgementTimeout, at most MaxResends times, before it
  // declares the transfer failed. With it runs the node's part in sending
  // on several nodes (TransferTakeOver).
  class AcknowledgementTracker : public IPollEvents
  {
  public:
    AcknowledgementTracker() = default;
    ~AcknowledgementTracker() override;

    void Start();
    void Stop();

    void OnAcknowledgementsQueued() override;
    void OnAcknowledgement(const std::string& setId, unsigned int part, Disposition disposition) override;
    void OnKeyChanged(const std::string& fingerprint) override;

    // One pass over the outbox for overdue acknowledgements.
    void CheckOverdue();

  private:
    void Run();
    void Resend(const std::string& setId, const std::vector<unsigned int>& parts, const std::string& why);
    void UpdateTransferState(const std::string& setId);

    std::mutex mutex_;   // also serializes outbox read-modify-writes
    AcknowledgementSender sender_;
    TransferTakeOver takeOver_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::string startedAt_;   // UtcTime of Start(): transfers from before may have lost their job
    std::thread thread_;
  };
}
