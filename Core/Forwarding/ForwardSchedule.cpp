// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Forwarding/ForwardSchedule.h"

#include <set>

namespace DicomMail
{
  namespace ForwardSchedule
  {
    std::vector<ForwardStep> Plan(const std::vector<ForwardRecord>& unfinished, const std::string& now,
                                  std::string& wakeAt)
    {
      std::vector<ForwardStep> steps;
      std::set<std::string> headed;   // modalities whose head was seen
      wakeAt.clear();
      for (const ForwardRecord& forward : unfinished)
      {
        if (forward.state == ForwardState::Forwarded || !headed.insert(forward.modality).second)
        {
          continue;   // behind its modality's head
        }
        ForwardStep step;
        step.forward = forward;
        if (forward.state == ForwardState::Forwarding)
        {
          step.kind = ForwardStep::Kind::Follow;
          steps.push_back(step);
        }
        else if (forward.nextAttemptAt <= now)   // UtcTime strings compare as instants
        {
          step.kind = ForwardStep::Kind::Start;
          steps.push_back(step);
        }
        else if (wakeAt.empty() || forward.nextAttemptAt < wakeAt)
        {
          wakeAt = forward.nextAttemptAt;
        }
      }
      return steps;
    }
  }
}
