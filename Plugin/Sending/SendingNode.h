// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/RowClaim.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // This node, as it claims sending work in the shared records (#18).
  namespace SendingNode
  {
    // The configured NodeName (see PluginContext::GetNode): stable across
    // restarts, so a node that comes back resumes its own send jobs, and
    // distinct between the Orthancs of one site.
    const std::string& Name();

    // This node's claim, from now for "leaseSeconds".
    ClaimTerms Terms(int64_t leaseSeconds);
  }
}
