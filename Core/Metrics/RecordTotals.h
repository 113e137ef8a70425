// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <cstdint>
#include <map>
#include <string>

namespace DicomMail
{
  // What the plugin's records say, summed up for the metrics: read-only
  // aggregate queries over the outbox and inbox tables, one lock.
  struct RecordTotals
  {
    uint64_t transfersSent = 0;          // outbox: sent or acknowledged
    uint64_t transfersReceived = 0;      // inbox: complete (with or without warnings)
    uint64_t sendFailed = 0;             // outbox: failed
    uint64_t receiveFailed = 0;          // inbox: failed
    uint64_t mailsInFlight = 0;          // outbox mails not yet accepted by the SMTP server
    uint64_t mailsAwaitingAck = 0;       // outbox mails sent, acknowledgement awaited
    uint64_t mailsQuarantined = 0;       // inbox mails in quarantine
    uint64_t bytesSent = 0;              // of every outbox transfer
    uint64_t bytesReceived = 0;          // of every mail recorded in the inbox (not MDNs), refused ones included
    // Per partner id: seconds the latest finished transfer took. Sent:
    // created to finished; received: the sender's Date to the last import
    // (the inbox's "transfer time"; the first mail's arrival if no Date).
    std::map<std::string, int64_t> lastSentSeconds;
    std::map<std::string, int64_t> lastReceivedSeconds;

    static RecordTotals Read(Database& db);
  };
}
