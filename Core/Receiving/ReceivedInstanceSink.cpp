// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/ReceivedInstanceSink.h"

#include <algorithm>

namespace DicomMail
{
  namespace
  {
    const size_t kMagicOffset = 128;
    const size_t kHeadSize = kMagicOffset + 4;
  }

  ReceivedInstanceSink::ReceivedInstanceSink(const std::string& path) :
    file_(path)
  {
  }

  void ReceivedInstanceSink::Write(const void* data, size_t size)
  {
    if (head_.size() < kHeadSize)
    {
      head_.append(static_cast<const char*>(data), std::min(size, kHeadSize - head_.size()));
    }
    hash_.Write(data, size);
    file_.Write(data, size);
    size_ += size;
  }

  void ReceivedInstanceSink::Flush()
  {
    file_.Flush();
  }

  void ReceivedInstanceSink::Finish()
  {
    if (!finished_)
    {
      file_.Flush();
      sha256_ = hash_.FinishHex();
      finished_ = true;
    }
  }

  bool ReceivedInstanceSink::IsDicom() const
  {
    return head_.size() == kHeadSize && head_.compare(kMagicOffset, 4, "DICM") == 0;
  }
}
