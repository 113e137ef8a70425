// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Forwarding/ForwardDecision.h"

namespace DicomMail
{
  namespace ForwardDecision
  {
    std::string ModalityFor(const ForwardingSettings& settings, const InboxTransfer& transfer)
    {
      if (!InboxStates::IsComplete(transfer.state))
      {
        return "";
      }
      return settings.DestinationFor(transfer.partner);
    }
  }
}
