// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/ReceivedInstanceSink.h"

#include <algorithm>

namespace DicomMail
{
  namespace
  {
    const size_t kMagicOffset = 128;
    const size_t kHeadSize = kMagicOffset + 4;
    const size_t kSlack = 64 * 1024;
  }

  ReceivedInstanceSink::ReceivedInstanceSink(uint64_t& memoryLeft, std::function<std::string()> spillFile,
                                             size_t expectedSize) :
    memoryLeft_(memoryLeft),
    spillFile_(std::move(spillFile))
  {
    // The parts of a series are alike: sized like the one before, most
    // parts need no reallocation.
    memory_.reserve(static_cast<size_t>(std::min<uint64_t>(expectedSize, memoryLeft_)));
  }

  void ReceivedInstanceSink::Write(const void* data, size_t size)
  {
    if (head_.size() < kHeadSize)
    {
      head_.append(static_cast<const char*>(data), std::min(size, kHeadSize - head_.size()));
    }
    hash_.Write(data, size);
    size_ += size;
    if (!file_ && size <= memoryLeft_)
    {
      memory_.append(static_cast<const char*>(data), size);
      memoryLeft_ -= size;
      return;
    }
    if (!file_)
    {
      Spill();
    }
    file_->Write(data, size);
  }

  void ReceivedInstanceSink::Spill()
  {
    file_.reset(new FileSink(spillFile_()));
    file_->Write(memory_.data(), memory_.size());
    memoryLeft_ += memory_.size();   // what this part held is the next parts' again
    std::string().swap(memory_);
  }

  void ReceivedInstanceSink::Flush()
  {
    if (file_)
    {
      file_->Flush();
    }
  }

  void ReceivedInstanceSink::Finish()
  {
    if (!finished_)
    {
      if (file_)
      {
        file_->Close();
      }
      else if (memory_.capacity() - memory_.size() > kSlack)
      {
        // Reserved like the part before but smaller: the budget counts only
        // what was written, so what was reserved beyond it goes now.
        memory_.shrink_to_fit();
      }
      sha256_ = hash_.FinishHex();
      finished_ = true;
    }
  }

  bool ReceivedInstanceSink::IsDicom() const
  {
    return head_.size() == kHeadSize && head_.compare(kMagicOffset, 4, "DICM") == 0;
  }
}
