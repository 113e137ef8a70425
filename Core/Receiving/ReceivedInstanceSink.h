// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Common/Files.h"
#include "Core/Transfer/Sha256.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Receives the decoded body of one candidate DICOM part: written to its
  // own file, hashed, counted, and checked for the Part-10 "DICM" magic at
  // offset 128 as it passes.
  class ReceivedInstanceSink : public ByteSink
  {
  public:
    explicit ReceivedInstanceSink(const std::string& path);

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;
    void Flush() override;

    // Flushes and closes the file (no fsync: it is a temporary file) and
    // ends the hash.
    void Finish();

    uint64_t GetSize() const
    {
      return size_;
    }

    // Valid after Finish().
    const std::string& GetSha256() const
    {
      return sha256_;
    }

    bool IsDicom() const;

  private:
    FileSink file_;
    Sha256 hash_;
    uint64_t size_ = 0;
    std::string head_;      // the first 132 bytes
    std::string sha256_;
    bool finished_ = false;
  };
}
