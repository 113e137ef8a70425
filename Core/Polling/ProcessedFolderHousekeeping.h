// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Transport/ImapMailbox.h"

#include <cstdint>

namespace DicomMail
{
  // Expunges from the processed folder the mail this plugin moved there
  // (ImapMailboxSession::kProcessedKeyword) once it is older than the
  // retention, counted from its arrival on the server (INTERNALDATE). Runs
  // at most once a day per mailbox (once per retention when that is
  // shorter), and does at most kMaxPerRun mails a run: a backlog is worked
  // off over the following polls, which keep running until it is gone.
  // Mail others put into the folder is never touched. One per mailbox,
  // kept across polls; "now" is injected so a test needs no day of waiting.
  class ProcessedFolderHousekeeping
  {
  public:
    static const unsigned int kMaxPerRun = 200;
    static const uint64_t kInterval = 86400;

    bool IsDue(int64_t now, uint64_t retentionSeconds) const;

    // Returns how many mails were expunged. Throws TransportError.
    unsigned int Run(ImapMailbox& processed, int64_t now, uint64_t retentionSeconds);

    // The IMAP SEARCH for our processed mail older than the retention:
    // "OLDER n" (RFC 5032 WITHIN) to the second, else "BEFORE date" (whole
    // days, the date of now - retention, UTC).
    static std::string SearchCriteria(bool within, int64_t now, uint64_t retentionSeconds);

  private:
    int64_t lastComplete_ = 0;   // 0: not yet since the plugin started
  };
}
