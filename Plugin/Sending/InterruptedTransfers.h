// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  namespace InterruptedTransfers
  {
    // Declares failed every outbox transfer of this node (or of no node,
    // recorded before #18) created before "startedAt" (a UtcTime) that
    // waits for a send job Orthanc no longer knows, so the
    // Resend action and routing rules can send it again instead of it
    // showing "sending" for ever. Returns how many it changed. Call once,
    // after Orthanc has reloaded its saved jobs, off the change thread.
    unsigned int FailThoseWithoutJob(const std::string& startedAt);
  }
}
