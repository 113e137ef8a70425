// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Transfer/MdnBuilder.h"
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

    // Composes, signs and sends this MDN to "to" (null envelope sender,
    // RFC 3798), later and on another thread: the poller goes on with the
    // next mail. A failure is only logged; the partner resends after its
    // timeout and the duplicate is answered again.
    virtual void QueueAcknowledgement(const MdnContent& content, const std::string& to) = 0;

    // A verified acknowledgement updated mail "part" of outbox transfer "setId".
    virtual void OnAcknowledgement(const std::string& setId, unsigned int part, Disposition disposition) = 0;
  };
}
