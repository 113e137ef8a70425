// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Forwarding/ForwardState.h"
#include "Core/Store/Database.h"
#include "Core/Store/RowClaim.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // One complete inbox transfer to hand on to a DICOM node. Timestamps:
  // UtcTime strings, "" = not yet.
  struct ForwardRecord
  {
    int64_t id = 0;                  // order of completion: the order they are forwarded in
    std::string setId;
    std::string modality;            // the DicomModalities entry
    ForwardState state = ForwardState::Queued;
    std::string queuedAt;
    unsigned int attempts = 0;       // failed attempts so far
    std::string nextAttemptAt;       // not before this
    std::string lastError;
    std::string lastAttemptAt;
    std::string jobId;               // Orthanc's C-STORE job of the running or last attempt
    unsigned int instances = 0;      // handed to the last attempt
    std::string forwardedAt;
    bool deleted = false;            // removed from this Orthanc after the PACS took it
  };

  // How the hand-over to the PACS stands, for the status route.
  struct ForwardQueueSummary
  {
    uint64_t waiting = 0;            // not forwarded yet (queued, running or retrying)
    uint64_t failing = 0;            // of those, retrying after a failure
    std::string oldestWaiting;       // queuedAt of the oldest one waiting
    std::string lastError;           // of the most recent failure among the waiting ones
  };

  // The durable queue of forwards, and the Orthanc instances each received
  // transfer brought (recorded at import, while forwarding applies to its
  // partner, and dropped once it is forwarded). A forward is queued in the
  // same transaction that records its transfer complete (see InboxPoller),
  // once per transfer; it is retried with back-off until the PACS took it,
  // so a crash or a PACS that is down loses nothing. Every method is atomic.
  class ForwardStore
  {
  public:
    explicit ForwardStore(Database& db);

    // False (nothing changed) when the transfer was queued before: a
    // transfer is forwarded once.
    bool Queue(const std::string& setId, const std::string& modality, const std::string& now);

    bool Get(const std::string& setId, ForwardRecord& out);

    // Every forward not yet forwarded, in queue order.
    std::vector<ForwardRecord> ListUnfinished();

    // Claims forward "id" for terms.node until terms.until, or renews this
    // node's claim (#18): one node works each modality's head, and the
    // others leave it alone until the claim lapses (the node died). False
    // when another node's claim holds. "fromOtherNode": the claim was
    // another node's, so a C-STORE job it started ran there, unknown to this
    // Orthanc.
    bool Claim(int64_t id, const ClaimTerms& terms, bool& fromOtherNode);

    // Orthanc accepted the C-STORE job "jobId" for "instances" instances.
    void MarkStarted(int64_t id, const std::string& jobId, unsigned int instances, const std::string& now);

    // Counts a failed attempt and schedules the next after
    // BackoffDelay(retryDelay, attempts); returns when that is.
    std::string RecordFailure(int64_t id, const std::string& error, const std::string& now,
                              unsigned int retryDelay);

    // The PACS took its "instances" (0: none was left to hand on); the
    // transfer's instance list is dropped.
    void MarkForwarded(int64_t id, unsigned int instances, const std::string& now, bool deleted);

    // The admin's "retry": a waiting forward is due at "now". False when
    // there is none for the transfer, or it is forwarded or running.
    bool RetryNow(const std::string& setId, const std::string& now);

    ForwardQueueSummary Summarize();

    // ---- The instances of each received transfer ---------------------------

    // Recording one again changes nothing.
    void RecordInstance(const std::string& setId, const std::string& instanceId);

    // Sorted.
    std::vector<std::string> ListInstances(const std::string& setId);

    // Those of "instanceIds" that another transfer not yet forwarded brought
    // too: deleting them would take them from that transfer's forward.
    std::vector<std::string> SharedWithOthers(const std::string& setId, const std::vector<std::string>& instanceIds);

  private:
    Database& db_;
  };
}
