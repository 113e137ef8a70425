// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Notices/NoticeSettings.h"
#include "Core/Store/Database.h"
#include "Core/Store/RowClaim.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  enum class NoticeState
  {
    Pending,   // to be sent (again) at nextAttemptAt
    Sent,      // the SMTP server accepted it
    Failed     // given up after the configured number of attempts
  };

  const char* ToString(NoticeState state);

  // One notice to people. Timestamps: UtcTime strings, "" = not yet.
  struct QueuedNotice
  {
    int64_t id = 0;
    std::string setId;
    NoticeKind kind = NoticeKind::Arrival;
    std::vector<std::string> recipients;
    NoticeState state = NoticeState::Pending;
    std::string createdAt;
    unsigned int attempts = 0;     // failed sends so far
    std::string nextAttemptAt;
    std::string lastError;
    std::string sentAt;
  };

  // The ledger of notices to people (#20). A row is the decision that a
  // transfer gets a notice of a kind: the table's UNIQUE (set_id, kind)
  // makes that decision once for ever, so repeated polls, a scan that sees
  // a transfer twice, or a restart never send a second one. The worker
  // sends rows oldest first and marks one sent only after the server
  // accepted it; a failing one is retried with back-off a bounded number of
  // times, then recorded failed. Every method is atomic.
  class NoticeStore
  {
  public:
    explicit NoticeStore(Database& db);

    // Records that transfer "setId" gets a notice of "kind" to "recipients";
    // false (and nothing changed) when one was decided before.
    bool Claim(const std::string& setId, NoticeKind kind, const std::vector<std::string>& recipients,
               const std::string& now);

    // Pending ones due at "now", oldest first.
    std::vector<QueuedNotice> ListDue(const std::string& now, unsigned int limit);

    // ListDue() at terms.now, claimed for terms.node until terms.until
    // (#18): each notice is sent by one node; this node takes its own
    // claims again. Oldest first.
    std::vector<QueuedNotice> ClaimDue(const ClaimTerms& terms, unsigned int limit);

    // Every notice of one transfer (at most one per kind).
    std::vector<QueuedNotice> ListForTransfer(const std::string& setId);

    void MarkSent(int64_t id, const std::string& now);

    // Counts a failed attempt: the next after BackoffDelay, or Failed once
    // "maxAttempts" were made. Returns the new state.
    NoticeState RecordFailure(int64_t id, const std::string& error, const std::string& now,
                              unsigned int retryDelay, unsigned int maxAttempts);

    // Received transfers complete since "since" (their completedAt), and
    // sent ones failed since then (their finished time), that have no
    // notice of that kind yet; oldest first.
    std::vector<std::string> FindArrivals(const std::string& since);
    std::vector<std::string> FindFailures(const std::string& since);

    // How far FindArrivals/FindFailures have been run: "" before the first time.
    std::string GetScannedUntil();
    void SetScannedUntil(const std::string& time);

  private:
    // Set ids of "table" whose "timeColumn" is at or after "since", in one
    // of "states", without a notice of "kind".
    std::vector<std::string> FindWithoutNotice(const char* table, const char* timeColumn,
                                               const std::vector<std::string>& states, NoticeKind kind,
                                               const std::string& since);

    Database& db_;
  };
}
