// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  // The hand-over of one complete inbox transfer to the PACS. Text only at
  // the SQLite and REST boundary.
  enum class ForwardState
  {
    Queued,       // complete, waiting for its turn (or for the PACS)
    Forwarding,   // Orthanc's C-STORE job runs
    Retrying,     // the last attempt failed; tried again after a back-off
    Forwarded     // the PACS took every instance
  };

  const char* ToString(ForwardState state);

  // Throws Error(BadInput) naming the unknown text.
  ForwardState ParseForwardState(const std::string& text);

  const std::vector<ForwardState>& AllForwardStates();
}
