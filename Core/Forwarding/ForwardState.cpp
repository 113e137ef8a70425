// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Forwarding/ForwardState.h"

#include "Core/Transfer/StateText.h"

namespace DicomMail
{
  namespace
  {
    // Indexed by the enum's values: the text stored in SQLite and answered by REST.
    const char* const kNames[] = { "queued", "forwarding", "retrying", "forwarded" };
  }

  const char* ToString(ForwardState state)
  {
    return kNames[static_cast<size_t>(state)];
  }

  ForwardState ParseForwardState(const std::string& text)
  {
    return StateText::Parse<ForwardState>(kNames, text, "forward");
  }

  const std::vector<ForwardState>& AllForwardStates()
  {
    static const std::vector<ForwardState> all = {
      ForwardState::Queued, ForwardState::Forwarding, ForwardState::Retrying, ForwardState::Forwarded };
    return all;
  }
}
