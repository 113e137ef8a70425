// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"
#include "Core/Store/RowClaim.h"
#include "Core/Store/TransferFilter.h"
#include "Core/Transfer/TransferState.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  // One transfer as the sender logs it. Timestamps: UtcTime strings, "" = not yet.
  struct OutboxTransfer
  {
    std::string setId;
    std::string partner;
    std::string recipient;                        // the address the mails go to
    std::vector<std::string> studyInstanceUids;
    std::vector<std::string> resources;           // Orthanc ids as requested
    std::string created;                          // CreateTransfer() fills it in when empty
    std::string finished;
    TransferState state = TransferState::Pending;
    std::string reason;
    unsigned int totalInstances = 0;
    unsigned int totalMails = 0;
    uint64_t bytesSent = 0;
    std::string jobId;
    bool acknowledgementsRequested = true;        // false: "sent" is final, no MDN awaited
    uint64_t totalBytes = 0;                      // DICOM bytes of all instances; 0 in records before schema 7
    bool qaTest = false;                          // a daily QA test (#17): not a clinical transfer
    bool qaMonthly = false;                       // with qaTest: a monthly measurement (qa_test = 2)
    // The node whose send job sends it while it waits for one (#18), its
    // claim's end (seconds since the epoch) and the number of the run of
    // jobs that holds it (1 for the first job, 0 in older records).
    std::string claimedBy;
    int64_t claimedUntil = 0;
    int64_t sendRun = 0;
  };

  struct OutboxMail
  {
    std::string setId;
    unsigned int part = 0;                        // 1..N
    std::string messageId;                        // without angle brackets
    MailState state = MailState::Pending;
    std::vector<std::string> instances;           // Orthanc instance ids or SOP Instance UIDs
    std::vector<std::string> sopInstanceUids;     // of "instances", in order; empty in records before schema 7
    uint64_t bytes = 0;
    unsigned int attempts = 0;
    std::string sentAt;
    uint64_t durationMs = 0;
    std::string ackDisposition;
    std::string ackAt;
    std::string reason;
    unsigned int fragments = 0;                   // message/partial pieces, 0 = sent whole
    int64_t receiverCompletedMs = 0;              // the receiver's completion time (ms) its signed MDN gave, 0 = none
    // Compressed inside OpenPGP (when the partner's setting allows it):
    // false when the plan found every instance of the mail in a compressed
    // transfer syntax, as sent (#19).
    bool compress = true;
  };

  // The sender's log of transfers and of each of their mails. Every method is
  // one transaction; unknown set ids or parts throw Error(NotFound), invalid
  // states or timestamps Error(BadInput).
  class OutboxStore
  {
  public:
    explicit OutboxStore(Database& db);

    // The transfer and all its mails, atomically. Each mail's setId is taken
    // from the transfer. Throws BadInput if the set id already exists.
    void CreateTransfer(const OutboxTransfer& transfer, const std::vector<OutboxMail>& mails);

    // Changes only state and reason, and only when OutboxStates::CanChange
    // allows it (returns false otherwise): a late or stale writer cannot undo
    // what happened meanwhile. "finished" is set to now the first time the
    // state becomes one that OutboxStates::IsFinished names.
    bool SetTransferState(const std::string& setId, TransferState state, const std::string& reason);

    // The reason of a transfer while it is sending (a retry waits, e.g. for
    // a partner's full mailbox) and of that mail; a transfer in any other
    // state, e.g. canceled meanwhile, is left as it is.
    void SetSendingReason(const std::string& setId, unsigned int part, const std::string& reason);

    // Records the send job's id and nothing else: the job may already have
    // run and failed, and a whole-row update would put its state back.
    void SetJobId(const std::string& setId, const std::string& jobId);

    // Deletes a transfer and its mails; false if there was none.
    bool RemoveTransfer(const std::string& setId);

    void SetMailState(const std::string& setId, unsigned int part, MailState state, const std::string& reason);

    // A job starts uploading the mail: state "sending", one more attempt.
    // Returns the new number of attempts.
    unsigned int MarkMailSending(const std::string& setId, unsigned int part);

    // State "sent", sentAt now, ack fields cleared; adds "bytes" to the
    // transfer's bytesSent (so a resent mail counts twice: bytes on the wire).
    void MarkMailSent(const std::string& setId, unsigned int part, const std::string& messageId,
                      uint64_t bytes, uint64_t durationMs, unsigned int fragments = 0);

    // Stores an MDN's disposition and time and sets the mail's state from it
    // (see OutboxStates::ForDisposition), with the receiver's completion
    // time (ms) when its signed MDN gave one; returns that state.
    MailState RecordAck(const std::string& setId, unsigned int part,
                          const std::string& disposition, const std::string& when,
                          int64_t receiverCompletedMs = 0);

    // Returns the new number of attempts.
    unsigned int IncrementAttempts(const std::string& setId, unsigned int part);

    // Mails in order of part.
    bool GetTransfer(const std::string& setId, OutboxTransfer& out, std::vector<OutboxMail>& mails);

    // Newest first; only those matching "filter" (its time range applies to
    // "created").
    std::vector<OutboxTransfer> ListTransfers(unsigned int limit, unsigned int offset,
                                              const TransferFilter& filter = TransferFilter());

    uint64_t CountTransfers();

    // The states a transfer can be in (to check a filter's state).
    static const std::set<std::string>& GetTransferStates();

    // Mails in state "sent" since before "olderThan", of transfers that asked
    // for acknowledgements and were neither failed nor canceled; oldest first.
    std::vector<OutboxMail> ListMailsAwaitingAck(const std::string& olderThan);

    // Those ListMailsAwaitingAck() returns, up to "limit", that no node
    // claimed for a resend or whose claim lapsed, now claimed for
    // terms.node until terms.until (#18): the resend of each starts on one
    // node. A claim lasts until the resend job marked the mail, or the
    // claimer died.
    std::vector<OutboxMail> ClaimMailsAwaitingAck(const std::string& olderThan, const ClaimTerms& terms,
                                                  unsigned int limit);

    // ---- Which node sends a transfer (#18) ----------------------------------

    // A send job is about to be submitted for the transfer on terms.node:
    // the node claims it until terms.until and a new run begins, whose
    // number the job keeps (SendJob). Returns that number.
    int64_t BeginRun(const std::string& setId, const ClaimTerms& terms);

    // BeginRun() for the Resend action: only if the transfer is resendable
    // (OutboxStates::IsResendable), and it is "sending" with "reason" from
    // then on, in one statement, so two nodes' clicks start one job.
    // Returns the run's number, 0 when the transfer was not resendable.
    int64_t BeginResend(const std::string& setId, const ClaimTerms& terms, const std::string& reason);

    // The job of run "run" goes on on terms.node: its claim lasts until
    // terms.until. False when a later run superseded it (another node took
    // the transfer over, or a resend began).
    bool HoldRun(const std::string& setId, int64_t run, const ClaimTerms& terms);

    // Renews terms.node's claim on every transfer of it that waits for a
    // send job (OutboxStates::NeedsJob): queued, running or paused jobs keep
    // their transfers while the node lives. Returns how many.
    unsigned int RenewClaims(const ClaimTerms& terms);

    // Transfers waiting for a send job whose node's claim lapsed (it died),
    // claimed in a new run for terms.node, up to "limit": set id and run
    // number of each. A transfer with no claimer (recorded before #18) is
    // left to its node.
    std::vector<std::pair<std::string, int64_t> > ClaimOrphans(const ClaimTerms& terms, unsigned int limit);

    // Angle brackets around "messageId" are ignored, as in MarkMailSent().
    bool FindMailByMessageId(const std::string& messageId, OutboxMail& out);

  private:
    Database& db_;
  };
}
