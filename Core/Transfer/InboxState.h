// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  // The life of an inbox transfer and of each mail taken from a mailbox, as
  // the receiver records it. A module apart from TransferState.h: the
  // receiver's words are not the sender's (a mail is imported, not
  // acknowledged). Text only at the SQLite and REST boundary (ToString /
  // Parse*), where the strings never change.
  enum class InboxTransferState
  {
    Receiving,              // parts missing, none refused
    Complete,               // every part imported
    CompleteWithWarnings,   // every part imported, some with warnings or failed instances
    Failed,                 // a part was refused and the transfer is not complete
    Quarantined             // a part waits in quarantine (signer unknown) and the transfer is not complete
  };

  enum class InboxMailState
  {
    Received,       // recorded, not processed yet
    Imported,
    Warning,        // imported, with warnings
    Failed,         // authenticated, but its content could not be imported
    Rejected,       // refused (unreadable, not authenticated, not for us); also a refused acknowledgement
    Quarantined,    // kept until its signer is trusted; may be retried
    Accepted        // an acknowledgement signed by the partner, naming a mail of the outbox
  };

  const char* ToString(InboxTransferState state);
  const char* ToString(InboxMailState state);

  // Throw Error(BadInput) naming the unknown text.
  InboxTransferState ParseInboxTransferState(const std::string& text);
  InboxMailState ParseInboxMailState(const std::string& text);

  // Every value, for validation and listings.
  const std::vector<InboxTransferState>& AllInboxTransferStates();
  const std::vector<InboxMailState>& AllInboxMailStates();

  namespace InboxStates
  {
    // Its instances are in Orthanc: the same part received again is not
    // processed again, and a part once imported stays so whatever a later
    // copy of it meets. A failed, rejected or quarantined one may be
    // processed again.
    bool IsImported(InboxMailState state);

    // Every part is in Orthanc: counts as received, "completed" is stamped.
    bool IsComplete(InboxTransferState state);

    // The transfer's state from the latest record of each part received
    // ("latestPerPart", one entry a part), the number of parts the sender
    // announced (0 = unknown yet) and whether any instance failed to import.
    InboxTransferState ForParts(const std::vector<InboxMailState>& latestPerPart, unsigned int mailsExpected,
                                bool instancesFailed);
  }
}
