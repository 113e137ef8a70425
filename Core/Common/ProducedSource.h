// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/BoundedPipe.h"
#include "Core/Common/ByteStream.h"

#include <functional>
#include <thread>

namespace DicomMail
{
  // A ByteSource whose bytes a producer writes, on a thread of its own, into
  // a bounded pipe: a push-style stage (a MimeParser with its handler) can
  // feed a pull-style consumer (a gpg process's stdin) without a file in
  // between, in memory bounded by "capacity".
  //
  // The producer's exception reaches the reader where the end of the stream
  // would have: a consumer never takes a failed stream for a whole one. The
  // destructor abandons the stream (the producer's next Write throws) and
  // joins the thread.
  class ProducedSource : public ByteSource
  {
  public:
    using Producer = std::function<void(ByteSink& output)>;

    explicit ProducedSource(Producer producer, size_t capacity = 1024 * 1024);
    ~ProducedSource() override;
    ProducedSource(const ProducedSource&) = delete;
    ProducedSource& operator=(const ProducedSource&) = delete;

    size_t Read(void* buffer, size_t size) override;

    // Reads and drops the rest and waits for the producer; rethrows its
    // exception. For a consumer that stopped early: whether the producer
    // would have failed decides which error is reported.
    void Drain();

  private:
    class Writer;

    void Run();

    Producer producer_;
    BoundedPipe pipe_;
    std::thread thread_;   // last: starts once the rest is initialised
  };
}
