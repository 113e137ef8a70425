// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Sits between GPGME and the plaintext file: a few kilobytes of OpenPGP
  // can inflate to gigabytes (compression bomb), so decryption is aborted
  // with Error(LimitExceeded) as soon as the plaintext passes the limit.
  class DecompressionLimitSink : public ByteSink
  {
  public:
    // "limitName" names the limit in the error, for the admin.
    DecompressionLimitSink(ByteSink& next, uint64_t maxBytes, const std::string& limitName = "MaxDecompressedBytes");

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
    std::string limitName_;
    uint64_t count_ = 0;
  };
}
