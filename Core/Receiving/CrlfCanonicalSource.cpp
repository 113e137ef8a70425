// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/CrlfCanonicalSource.h"

#include <algorithm>
#include <cstring>

namespace DicomMail
{
  CrlfCanonicalSource::CrlfCanonicalSource(ByteSource& inner) :
    inner_(inner),
    chunk_(64 * 1024)
  {
  }

  size_t CrlfCanonicalSource::Read(void* buffer, size_t size)
  {
    if (size == 0)
    {
      return 0;
    }
    while (pendingOffset_ == pending_.size())
    {
      pending_.clear();
      pendingOffset_ = 0;
      const size_t n = inner_.Read(chunk_.data(), chunk_.size());
      if (n == 0)
      {
        return 0;
      }
      for (size_t i = 0; i < n; i++)
      {
        if (chunk_[i] == '\n' && !lastWasCr_)
        {
          pending_ += '\r';
        }
        pending_ += chunk_[i];
        lastWasCr_ = chunk_[i] == '\r';
      }
    }
    const size_t n = std::min(size, pending_.size() - pendingOffset_);
    memcpy(buffer, pending_.data() + pendingOffset_, n);
    pendingOffset_ += n;
    return n;
  }
}
