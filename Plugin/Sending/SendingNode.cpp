// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Sending/SendingNode.h"

#include "Plugin/PluginContext.h"

#include <ctime>

namespace DicomMail
{
  namespace SendingNode
  {
    const std::string& Name()
    {
      return PluginContext::Get().GetNode().name;
    }

    ClaimTerms Terms(int64_t leaseSeconds)
    {
      return ClaimTerms::For(Name(), static_cast<int64_t>(time(nullptr)), leaseSeconds);
    }
  }
}
