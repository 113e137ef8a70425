// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/BoundedPipe.h"

#include <algorithm>
#include <cstring>

namespace DicomMail
{
  BoundedPipe::BoundedPipe(size_t capacity) :
    ring_(std::max<size_t>(capacity, 1))
  {
  }

  bool BoundedPipe::Write(const char* data, size_t size)
  {
    std::unique_lock<std::mutex> lock(mutex_);
    while (size > 0)
    {
      changed_.wait(lock, [this] { return abandoned_ || filled_ < ring_.size(); });
      if (abandoned_)
      {
        return false;
      }
      const size_t tail = (head_ + filled_) % ring_.size();
      const size_t n = std::min(size, std::min(ring_.size() - filled_, ring_.size() - tail));
      memcpy(ring_.data() + tail, data, n);
      filled_ += n;
      data += n;
      size -= n;
      changed_.notify_all();
    }
    return !abandoned_;
  }

  void BoundedPipe::CloseWriting(std::exception_ptr error)
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_)
      {
        return;
      }
      closed_ = true;
      error_ = error;
    }
    changed_.notify_all();
  }

  size_t BoundedPipe::Read(void* buffer, size_t size)
  {
    if (size == 0)
    {
      return 0;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return filled_ > 0 || closed_; });
    if (filled_ == 0)
    {
      if (error_)
      {
        std::rethrow_exception(error_);
      }
      return 0;
    }
    const size_t n = std::min(size, std::min(filled_, ring_.size() - head_));
    memcpy(buffer, ring_.data() + head_, n);
    head_ = (head_ + n) % ring_.size();
    filled_ -= n;
    changed_.notify_all();
    return n;
  }

  void BoundedPipe::Abandon()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      abandoned_ = true;
    }
    changed_.notify_all();
  }
}
