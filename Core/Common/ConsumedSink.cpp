// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/ConsumedSink.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  class ConsumedSink::Reader : public ByteSource
  {
  public:
    explicit Reader(BoundedPipe& pipe) :
      pipe_(pipe)
    {
    }

    size_t Read(void* buffer, size_t size) override
    {
      return pipe_.Read(buffer, size);
    }

  private:
    BoundedPipe& pipe_;
  };

  ConsumedSink::ConsumedSink(Consumer consumer, size_t capacity) :
    consumer_(std::move(consumer)),
    pipe_(capacity),
    thread_([this] { Run(); })
  {
  }

  ConsumedSink::~ConsumedSink()
  {
    if (!finished_)
    {
      pipe_.CloseWriting(std::make_exception_ptr(Error(ErrorKind::Internal, "the writer of the stream stopped")));
      thread_.join();
    }
  }

  void ConsumedSink::Run()
  {
    try
    {
      Reader reader(pipe_);
      consumer_(reader);
    }
    catch (...)
    {
      error_ = std::current_exception();
    }
    pipe_.Abandon();   // whatever still comes is dropped
  }

  void ConsumedSink::Write(const void* data, size_t size)
  {
    pipe_.Write(static_cast<const char*>(data), size);   // false: the consumer is done, the rest is dropped
  }

  std::exception_ptr ConsumedSink::Finish()
  {
    if (!finished_)
    {
      pipe_.CloseWriting();
      thread_.join();
      finished_ = true;
    }
    return error_;
  }
}
