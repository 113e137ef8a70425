// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/ProducedSource.h"

#include "Core/Common/Error.h"

#include <vector>

namespace DicomMail
{
  class ProducedSource::Writer : public ByteSink
  {
  public:
    explicit Writer(BoundedPipe& pipe) :
      pipe_(pipe)
    {
    }

    using ByteSink::Write;
    void Write(const void* data, size_t size) override
    {
      if (!pipe_.Write(static_cast<const char*>(data), size))
      {
        throw Error(ErrorKind::Internal, "the reader of the stream stopped");
      }
    }

  private:
    BoundedPipe& pipe_;
  };

  ProducedSource::ProducedSource(Producer producer, size_t capacity) :
    producer_(std::move(producer)),
    pipe_(capacity),
    thread_([this] { Run(); })
  {
  }

  ProducedSource::~ProducedSource()
  {
    pipe_.Abandon();
    thread_.join();
  }

  void ProducedSource::Run()
  {
    try
    {
      Writer writer(pipe_);
      producer_(writer);
      pipe_.CloseWriting();
    }
    catch (...)
    {
      pipe_.CloseWriting(std::current_exception());
    }
  }

  size_t ProducedSource::Read(void* buffer, size_t size)
  {
    return pipe_.Read(buffer, size);
  }

  void ProducedSource::Drain()
  {
    std::vector<char> scratch(64 * 1024);
    while (Read(scratch.data(), scratch.size()) > 0)
    {
    }
  }
}
