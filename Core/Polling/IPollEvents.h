// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Transfer/MdnDisposition.h"

#include <string>

namespace DicomMail
{
  // What the poller hands back to its owner (the plugin): mails to send
  // and outbox news that may call for a resend.
  class IPollEvents
  {
  public:
    virtual ~IPollEvents() = default;

    // Sends the complete acknowledgement mail at "path" to "to" (null
    // envelope sender, RFC 3798). Throws on failure.
    virtual void SendAcknowledgement(const std::string& path, const std::string& to) = 0;

    // A verified acknowledgement updated mail "part" of outbox transfer "setId".
    virtual void OnAcknowledgement(const std::string& setId, unsigned int part, Disposition disposition) = 0;
  };
}
