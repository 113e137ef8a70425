// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Common/Files.h"
#include "Core/Transfer/Sha256.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace DicomMail
{
  // Receives the decoded body of one candidate DICOM part: kept in memory
  // while the mail's budget ("memoryLeft", shared by the mail's parts)
  // lasts, else written to a file; hashed, counted, and checked for the
  // Part-10 "DICM" magic at offset 128 as it passes. Memory first (#15):
  // decrypted images stay off the disk, and a page-cache write and read per
  // image byte are saved; the budget keeps a mail's memory bounded however
  // large the plaintext grows.
  class ReceivedInstanceSink : public ByteSink
  {
  public:
    // "spillFile" makes the file the part goes to once it no longer fits,
    // and returns its path. "expectedSize" sizes the first allocation.
    ReceivedInstanceSink(uint64_t& memoryLeft, std::function<std::string()> spillFile, size_t expectedSize);

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;
    void Flush() override;

    // Closes the file, if any (no fsync: it is a temporary file), and ends
    // the hash.
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

    // After Finish(): whether the part is in memory (TakeContent) rather
    // than in the spill file.
    bool IsInMemory() const
    {
      return !file_;
    }

    std::string TakeContent()
    {
      return std::move(memory_);
    }

  private:
    void Spill();

    uint64_t& memoryLeft_;
    std::function<std::string()> spillFile_;
    std::string memory_;
    std::unique_ptr<FileSink> file_;
    Sha256 hash_;
    uint64_t size_ = 0;
    std::string head_;      // the first 132 bytes
    std::string sha256_;
    bool finished_ = false;
  };
}
