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

    // A verified mail changed a partner's key in our GnuPG home (a renewed
    // key merged, a rotation taken): the other nodes of the site should
    // follow (#18). Most owners have nothing to do.
    virtual void OnKeyChanged(const std::string& fingerprint)
    {
      (void) fingerprint;
    }
  };
}
