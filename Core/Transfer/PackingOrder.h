// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Transfer/TransferPacker.h"

#include <vector>

namespace DicomMail
{
  // The order in which a transfer's instances go into mails, for the time to
  // the first image: a radiologist starts reading when a first series is
  // complete, not when the last mail arrives. Studies keep the order the
  // request gave them; within a study, whole series go smallest first (the
  // scout, a few reformats) so the first mail carries complete series; within
  // a series, instances keep their order. Deterministic: equal sizes keep the
  // order of first appearance. Only indexes are held, never file contents.
  namespace PackingOrder
  {
    // A permutation of 0..instances.size()-1.
    std::vector<size_t> SmallSeriesFirst(const std::vector<PackerInstance>& instances);
  }
}
