// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/ByteStream.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace DicomMail
{
  size_t StringSource::Read(void* buffer, size_t size)
  {
    const size_t n = std::min(size, content_.size() - position_);
    if (n > 0)
    {
      memcpy(buffer, content_.data() + position_, n);
      position_ += n;
    }
    return n;
  }

  void StringSink::Write(const void* data, size_t size)
  {
    content_.append(static_cast<const char*>(data), size);
  }

  void CountingSink::Write(const void* data, size_t size)
  {
    count_ += size;
    if (next_ != nullptr)
    {
      next_->Write(data, size);
    }
  }

  void CountingSink::Flush()
  {
    if (next_ != nullptr)
    {
      next_->Flush();
    }
  }

  uint64_t CopyStream(ByteSource& source, ByteSink& sink, size_t bufferSize)
  {
    std::vector<char> buffer(bufferSize);
    uint64_t total = 0;
    for (;;)
    {
      const size_t n = source.Read(buffer.data(), buffer.size());
      if (n == 0)
      {
        break;
      }
      sink.Write(buffer.data(), n);
      total += n;
    }
    sink.Flush();
    return total;
  }
}
