// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementDisposition.h"

#include <string>

namespace DicomMail
{
  // What the poller tells its owner (the plugin): acknowledgements to send
  // and outbox news that may call for a resend.
  class IPollEvents
  {
  public:
    virtual ~IPollEvents() = default;

    // The poller recorded acknowledgements in the durable queue
    // (AcknowledgementQueueStore): wake the sender, which composes, signs
    // and sends them on another thread while the poller goes on.
    virtual void OnAcknowledgementsQueued() = 0;

    // A verified acknowledgement updated mail "part" of outbox transfer "setId".
    virtual void OnAcknowledgement(const std::string& setId, unsigned int part, Disposition disposition) = 0;
  };
}
