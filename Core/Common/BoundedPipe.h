// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <vector>

namespace DicomMail
{
  // A byte pipe between two threads of one process, bounded by "capacity":
  // the writer waits while it is full, the reader while it is empty. The
  // writer ends it with CloseWriting(), with or without an error for the
  // reader; the reader gives up with Abandon(). The halves of
  // ProducedSource and ConsumedSink.
  class BoundedPipe
  {
  public:
    explicit BoundedPipe(size_t capacity);
    BoundedPipe(const BoundedPipe&) = delete;
    BoundedPipe& operator=(const BoundedPipe&) = delete;

    // False (nothing more is written) once the reader abandoned the pipe.
    bool Write(const char* data, size_t size);

    // The end of the stream; "error", if any, is what the reader gets there.
    void CloseWriting(std::exception_ptr error = nullptr);

    // Up to "size" bytes; 0 at the end; rethrows the writer's error there.
    size_t Read(void* buffer, size_t size);

    void Abandon();

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<char> ring_;
    size_t head_ = 0;     // next byte to read
    size_t filled_ = 0;   // bytes waiting
    bool closed_ = false;
    bool abandoned_ = false;
    std::exception_ptr error_;
  };
}
