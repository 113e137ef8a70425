// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/ForwardStore.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // What the forwarder does next with one forward.
  struct ForwardStep
  {
    enum class Kind
    {
      Follow,   // its C-STORE job runs: read how it is going
      Start     // due: hand its instances to a new C-STORE job
    };

    Kind kind = Kind::Start;
    ForwardRecord forward;
  };

  // The order of forwards: each modality takes the transfers in the order
  // they completed, one at a time, so a PACS that was down receives them in
  // arrival order once it is back, and a later transfer never overtakes an
  // earlier one that still fails. Only the head of each modality's queue is
  // worked on; it waits for its back-off, the ones behind it wait for it.
  namespace ForwardSchedule
  {
    // "unfinished" in queue order (ForwardStore::ListUnfinished). Returns
    // the steps due at "now"; "wakeAt" is the earliest time a waiting head
    // becomes due ("" when none waits).
    std::vector<ForwardStep> Plan(const std::vector<ForwardRecord>& unfinished, const std::string& now,
                                  std::string& wakeAt);
  }
}
