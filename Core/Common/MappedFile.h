// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>

namespace DicomMail
{
  // A whole file mapped read-only into memory, for APIs that take one
  // buffer (Orthanc's POST /instances). Reading into a fresh string would
  // fault in and zero a new buffer for every instance; the mapping shares
  // the page cache's copy. Throws Error(Storage) if the file cannot be read,
  // Error(LimitExceeded) if it is larger than maxSize.
  class MappedFile
  {
  public:
    MappedFile(const std::string& path, size_t maxSize);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const void* GetData() const
    {
      return data_;
    }

    size_t GetSize() const
    {
      return size_;
    }

  private:
    void* data_ = nullptr;
    size_t size_ = 0;
  };
}
