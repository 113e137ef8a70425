// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Forwarding/ForwardingSettings.h"
#include "Core/Store/InboxStore.h"

#include <string>

namespace DicomMail
{
  // When a received transfer is handed on: once it is complete (every mail
  // verified and imported, InboxStates::IsComplete), never while a part is
  // missing, as Orthanc's StableStudy would in the gap between two mails.
  namespace ForwardDecision
  {
    // The modality "transfer" goes to now, "" when not (yet, or at all).
    std::string ModalityFor(const ForwardingSettings& settings, const InboxTransfer& transfer);
  }
}
