// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementBuilder.h"
#include "Core/Store/Database.h"
#include "Core/Store/RowClaim.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // One acknowledgement (MDN) the receiver decided to send. Timestamps:
  // UtcTime strings, "" = not yet.
  struct QueuedAcknowledgement
  {
    int64_t id = 0;                 // given by Add()
    int64_t mailId = 0;             // inbox_mails.id it answers; 0 for none (a duplicate answered again)
    AcknowledgementContent content;
    std::string recipient;          // the mail's Disposition-Notification-To
    std::string createdAt;          // Add() fills it in when empty
    unsigned int attempts = 0;      // failed sends so far
    std::string nextAttemptAt;      // not before this; Add() uses createdAt
    std::string lastError;
    std::string lastAttemptAt;
    std::string sentAt;             // "" while pending
  };

  struct AcknowledgementQueueSummary
  {
    uint64_t pending = 0;
    uint64_t failing = 0;           // pending ones with at least one failed attempt
    uint64_t sent = 0;
    std::string oldestPending;      // createdAt of the oldest pending one
    std::string lastError;          // latest failure among the pending ones
    std::string lastErrorAt;
    std::string nextAttemptAt;      // earliest among the pending ones
  };

  // The durable outbox of acknowledgements. A row is written in the same
  // transaction as the outcome of the mail it answers (see
  // InboxStore::RecordMailAndTransfer), so a crash can never leave a mail
  // recorded as processed but unanswered. The sender takes rows oldest first
  // and marks one sent only after the SMTP server accepted it: a crash in
  // between sends it twice, never zero times. Rows are never dropped; a
  // failing one is retried with exponential back-off. Every method is atomic.
  class AcknowledgementQueueStore
  {
  public:
    explicit AcknowledgementQueueStore(Database& db);

    // Returns the new row's id. Throws Error(BadInput) without a recipient
    // or Original-Message-ID.
    int64_t Add(const QueuedAcknowledgement& acknowledgement);

    bool Get(int64_t id, QueuedAcknowledgement& out);

    // Pending ones whose next attempt is due at "now", oldest first.
    std::vector<QueuedAcknowledgement> ListDue(const std::string& now, unsigned int limit);

    // ListDue() at terms.now, claimed for terms.node until terms.until
    // (#18): another node's ClaimDue() passes over them meanwhile, so each
    // is sent by one node; this node takes its own claims again. Oldest
    // first.
    std::vector<QueuedAcknowledgement> ClaimDue(const ClaimTerms& terms, unsigned int limit);

    // Every pending one, oldest first.
    std::vector<QueuedAcknowledgement> ListPending(unsigned int limit);

    // The SMTP server accepted it: sets sentAt and, in the same transaction,
    // inbox_mails.mdn_sent of the mail it answers.
    void MarkSent(int64_t id, const std::string& now);

    // Counts a failed attempt and schedules the next one after
    // BackoffDelay(), for whichever node is free then (the claim ends);
    // returns when that is.
    std::string RecordFailure(int64_t id, const std::string& error, const std::string& now,
                              unsigned int retryDelay);

    // Earliest next attempt among the pending ones, "" when none is pending.
    std::string GetNextAttemptAt();

    AcknowledgementQueueSummary Summarize();

    // Seconds before the next attempt after "attempts" failures: retryDelay,
    // doubling each time as for mails (Smtp.RetryDelay), but at most an hour
    // (or retryDelay if that is longer), since it is retried forever.
    static int64_t BackoffDelay(unsigned int retryDelay, unsigned int attempts);

  private:
    Database& db_;
  };
}
