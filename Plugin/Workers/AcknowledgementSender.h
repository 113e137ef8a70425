// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/WakeableThread.h"
#include "Core/Store/AcknowledgementQueueStore.h"
#include "Core/Transport/SmtpSender.h"

#include <cstdint>
#include <memory>
#include <string>

namespace DicomMail
{
  class OpenPgpContext;

  // Composes, signs and sends our MDNs on a thread of its own, over one SMTP
  // connection, from the durable queue (AcknowledgementQueueStore) the poller
  // writes with each mail's outcome: signing starts a gpg process and sending
  // waits for the server, and neither should hold up the next import.
  //
  // It sends every due one, oldest first, at start, when woken and at least
  // every kScanInterval, and marks one sent only once the server accepted
  // it. A failure is retried with back-off and never dropped; while the
  // server itself fails (temporary errors), the whole queue waits for the
  // oldest one's next attempt rather than trying each one in turn. Stop()
  // leaves what is not sent in the queue for the next start.
  class AcknowledgementSender
  {
  public:
    AcknowledgementSender() = default;
    ~AcknowledgementSender();
    AcknowledgementSender(const AcknowledgementSender&) = delete;
    AcknowledgementSender& operator=(const AcknowledgementSender&) = delete;

    void Start();

    // Cancels a send in progress (it stays queued) and stops the thread.
    void Stop();

    // New acknowledgements were queued: send them now.
    void Wake();

  private:
    void Run();

    // Sends what is due; returns when to look again (Unix time). After a
    // failure of the server, sets "pausedUntil" to the failed one's retry.
    int64_t SendDue(AcknowledgementQueueStore& queue, int64_t& pausedUntil);

    // True once the server accepted it; else "error" says why and
    // "serverTrouble" whether the next ones would fail the same way.
    bool SendOne(const QueuedAcknowledgement& acknowledgement, std::string& error, bool& serverTrouble);

    WakeableThread thread_;
    // Used by the thread only; one context keeps its key lookups cached.
    std::unique_ptr<OpenPgpContext> crypto_;
    std::unique_ptr<SmtpSender> smtp_;
  };
}
