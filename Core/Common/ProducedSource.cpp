// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/ProducedSource.h"

#include "Core/Common/Error.h"

#include <algorithm>
#include <cstring>

namespace DicomMail
{
  class ProducedSource::Writer : public ByteSink
  {
  public:
    explicit Writer(ProducedSource& owner) :
      owner_(owner)
    {
    }

    using ByteSink::Write;
    void Write(const void* data, size_t size) override
    {
      owner_.Put(static_cast<const char*>(data), size);
    }

  private:
    ProducedSource& owner_;
  };

  ProducedSource::ProducedSource(Producer producer, size_t capacity) :
    producer_(std::move(producer)),
    ring_(std::max<size_t>(capacity, 1)),
    thread_([this] { Run(); })
  {
  }

  ProducedSource::~ProducedSource()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      abandoned_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  void ProducedSource::Run()
  {
    std::exception_ptr error;
    try
    {
      Writer writer(*this);
      producer_(writer);
    }
    catch (...)
    {
      error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      finished_ = true;
      error_ = error;
    }
    changed_.notify_all();
  }

  void ProducedSource::Put(const char* data, size_t size)
  {
    std::unique_lock<std::mutex> lock(mutex_);
    while (size > 0)
    {
      changed_.wait(lock, [this] { return abandoned_ || filled_ < ring_.size(); });
      if (abandoned_)
      {
        throw Error(ErrorKind::Internal, "the reader of the stream stopped");
      }
      const size_t tail = (head_ + filled_) % ring_.size();
      const size_t n = std::min(size, std::min(ring_.size() - filled_, ring_.size() - tail));
      memcpy(ring_.data() + tail, data, n);
      filled_ += n;
      data += n;
      size -= n;
      changed_.notify_all();
    }
  }

  size_t ProducedSource::Read(void* buffer, size_t size)
  {
    if (size == 0)
    {
      return 0;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return filled_ > 0 || finished_; });
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

  void ProducedSource::Drain()
  {
    std::vector<char> scratch(64 * 1024);
    while (Read(scratch.data(), scratch.size()) > 0)
    {
    }
  }
}
