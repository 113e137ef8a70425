// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/SizeLimitedSink.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  const char* const SizeLimitedSink::kFetchedMail = "the fetched mail";
  const char* const SizeLimitedSink::kDecompressedData = "decompressed data";

  SizeLimitedSink::SizeLimitedSink(ByteSink& next, uint64_t maxBytes, const std::string& what,
                                   const std::string& limitName) :
    next_(next),
    maxBytes_(maxBytes),
    what_(what),
    limitName_(limitName)
  {
  }

  void SizeLimitedSink::Write(const void* data, size_t size)
  {
    if (size > maxBytes_ - count_)
    {
      throw Error(ErrorKind::LimitExceeded, what_ + " exceeds the limit of " + std::to_string(maxBytes_) +
                  " bytes (" + limitName_ + ")");
    }
    count_ += size;
    next_.Write(data, size);
  }

  void SizeLimitedSink::Flush()
  {
    next_.Flush();
  }
}
