// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Passes bytes on until "maxBytes" have gone through, then throws
  // Error(LimitExceeded) before writing more: a hostile server or a
  // compression bomb cannot fill the disk. Each use names what it measures
  // and the setting that bounds it, so the admin reads which limit was hit:
  //   "the fetched mail exceeds the limit of 1000 bytes (Limits.MaxMailBytes)"
  //   "decompressed data exceeds the limit of 5000 bytes (Limits.DecompressionRatio ...)"
  class SizeLimitedSink : public ByteSink
  {
  public:
    SizeLimitedSink(ByteSink& next, uint64_t maxBytes, const std::string& what, const std::string& limitName);

    // What the receiving code measures, for "what".
    static const char* const kFetchedMail;       // "the fetched mail"
    static const char* const kDecompressedData;  // "decompressed data"

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;
    void Flush() override;

    uint64_t GetCount() const
    {
      return count_;
    }

  private:
    ByteSink& next_;
    uint64_t maxBytes_;
    std::string what_;
    std::string limitName_;
    uint64_t count_ = 0;
  };
}
