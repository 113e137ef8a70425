// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/DecompressionLimitSink.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  DecompressionLimitSink::DecompressionLimitSink(ByteSink& next, uint64_t maxBytes, const std::string& limitName) :
    next_(next),
    maxBytes_(maxBytes),
    limitName_(limitName)
  {
  }

  void DecompressionLimitSink::Write(const void* data, size_t size)
  {
    if (size > maxBytes_ - count_)
    {
      throw Error(ErrorKind::LimitExceeded, "decompressed data exceeds the limit of " +
                  std::to_string(maxBytes_) + " bytes (" + limitName_ + ")");
    }
    count_ += size;
    next_.Write(data, size);
  }

  void DecompressionLimitSink::Flush()
  {
    next_.Flush();
  }
}
