// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/ReceiveMimeLimits.h"

#include <algorithm>

namespace DicomMail
{
  namespace ReceiveMimeLimits
  {
    namespace
    {
      MimeLimits Common(const ReceiveLimits& limits)
      {
        MimeLimits result;
        result.maxHeaderBlockSize = limits.maxHeaderBytes;
        result.maxHeaderLineLength = std::min<size_t>(result.maxHeaderLineLength, limits.maxHeaderBytes);
        result.maxDepth = limits.maxNestingDepth;
        result.maxParts = limits.maxPartsPerMail;
        return result;
      }
    }

    MimeLimits ForMail(const ReceiveLimits& limits)
    {
      MimeLimits result = Common(limits);
      result.maxDecodedBytes = limits.maxMailBytes;
      return result;
    }

    MimeLimits ForEntity(const ReceiveLimits& limits)
    {
      MimeLimits result = Common(limits);
      result.maxDecodedBytes = limits.maxDecompressedBytes;
      return result;
    }
  }
}
