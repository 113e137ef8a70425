// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

namespace DicomMail
{
  // How long a node's claims on sending work last (#18, see ClaimTerms):
  // long enough that a live node always renews or finishes in time, short
  // enough that another node takes the work of one that died soon.
  namespace SendingLeases
  {
    // A transfer that waits for a send job: the node renews its claims this
    // often while it lives (its jobs queued, running or paused), so another
    // node resumes them at most kTransferSeconds + kRenewSeconds after it
    // died.
    const int64_t kTransferSeconds = 30;
    const int64_t kRenewSeconds = 10;

    // A batch of notices being sent one by one over SMTP, each within the
    // SMTP timeouts.
    const int64_t kQueueSeconds = 600;

    // A batch of our MDNs. Short: each MDN is also claimed on its own
    // (mail_claims, tied to the node's heartbeat), which alone decides who
    // sends it; the batch's lease only spares the other nodes useless
    // tries, and must not hold a dead node's MDNs for minutes.
    const int64_t kAcknowledgementSeconds = 30;

    // A forward to the PACS, renewed at every look at its C-STORE job.
    const int64_t kForwardSeconds = 30;

    // An auto-routing rule's claim on instances, until their transfer is
    // recorded and submitted (seconds, on a node that does not die).
    const int64_t kRoutingSeconds = 600;
  }
}
