// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/BoundedPipe.h"
#include "Core/Common/ByteStream.h"

#include <exception>
#include <functional>
#include <thread>

namespace DicomMail
{
  // The mirror of ProducedSource: a ByteSink whose bytes a consumer reads,
  // on a thread of its own, from a bounded pipe. A pull-style stage (a
  // MimeParser) can take what a push-style one (gpg's stdout) writes,
  // without a file in between.
  //
  // A consumer that fails or returns early does not stop the writer: what
  // comes after is dropped, and Finish() reports the consumer's exception,
  // so that the writer's own result (a signature check) can be judged
  // first. The destructor, without Finish(), ends the stream with an error
  // and joins the thread.
  class ConsumedSink : public ByteSink
  {
  public:
    using Consumer = std::function<void(ByteSource& input)>;

    explicit ConsumedSink(Consumer consumer, size_t capacity = 1024 * 1024);
    ~ConsumedSink() override;
    ConsumedSink(const ConsumedSink&) = delete;
    ConsumedSink& operator=(const ConsumedSink&) = delete;

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;

    // Ends the stream, waits for the consumer and returns its exception
    // (null if it succeeded).
    std::exception_ptr Finish();

  private:
    class Reader;

    void Run();

    Consumer consumer_;
    BoundedPipe pipe_;
    std::exception_ptr error_;
    bool finished_ = false;
    std::thread thread_;   // last: starts once the rest is initialised
  };
}
