// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  // The life of an outbox transfer and of each of its mails. The one place
  // that says what each state means; text only at the SQLite and REST
  // boundary (ToString / Parse*), where the strings never change.
  enum class TransferState
  {
    Pending,        // recorded, job not started yet
    Sending,        // a send job is running
    Sent,           // every mail accepted by the SMTP server, acknowledgements awaited
    Acknowledged,   // every mail acknowledged (or none was asked for)
    Failed,         // the job or the partner gave up; resendable
    Canceled        // stopped by the user
  };

  enum class MailState
  {
    Pending,
    Sending,
    Sent,
    Acknowledged,
    Warning,        // acknowledged with a warning modifier: delivered all the same
    Failed
  };

  const char* ToString(TransferState state);
  const char* ToString(MailState state);

  // Throw Error(BadInput) naming the unknown text.
  TransferState ParseTransferState(const std::string& text);
  MailState ParseMailState(const std::string& text);

  // Every value, for validation and listings.
  const std::vector<TransferState>& AllTransferStates();

  namespace OutboxStates
  {
    // The SMTP server took the mail: it is not sent again by a job.
    bool IsDelivered(MailState state);

    // The partner answered it with a positive MDN (a warning counts).
    bool IsAcknowledged(MailState state);

    // "finished" is stamped the first time a transfer reaches one of these.
    bool IsFinished(TransferState state);

    // Nothing more happens to the transfer on its own: acknowledgements are
    // no longer awaited or applied, overdue mails not resent.
    bool IsStopped(TransferState state);

    // A failed transfer may be sent again (resend action, routing rule).
    bool IsResendable(TransferState state);

    // Only a send job moves a transfer on from here: if Orthanc lost the job
    // (killed before it saved its job registry, or "SaveJobs": false), the
    // transfer would wait for ever, so start-up declares it failed.
    bool NeedsJob(TransferState state);

    // Whether the store accepts a change from "from" to "to". A transfer
    // never goes back to Pending, a late job step never turns a transfer
    // the partner acknowledged back into Sent, and a canceled one stays so
    // until it is sent again.
    bool CanChange(TransferState from, TransferState to);

    // The state of a transfer once all its mails are delivered.
    TransferState WhenAllDelivered(bool acknowledgementsRequested);

    // RFC 3798 disposition (with or without the action-mode prefix) to mail
    // state: "displayed" / "processed" / "dispatched" -> Acknowledged;
    // "deleted" or any error/failure modifier -> Failed; a warning modifier
    // or anything unknown -> Warning.
    MailState ForDisposition(const std::string& disposition);
  }
}
