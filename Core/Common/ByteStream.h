// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace DicomMail
{
  // The two interfaces every streaming stage speaks, so that a study flows
  // from Orthanc through MIME, GPGME and libcurl without ever sitting whole in
  // memory. Implementations throw DicomMail::Error on failure.
  class ByteSource
  {
  public:
    virtual ~ByteSource() = default;

    // Reads up to "size" bytes; returns 0 only at the end of the stream.
    virtual size_t Read(void* buffer, size_t size) = 0;
  };

  class ByteSink
  {
  public:
    virtual ~ByteSink() = default;

    virtual void Write(const void* data, size_t size) = 0;

    void Write(const std::string& s)
    {
      Write(s.data(), s.size());
    }

    // Pushes buffered bytes down; the default has nothing to push.
    virtual void Flush()
    {
    }
  };

  class StringSource : public ByteSource
  {
  public:
    explicit StringSource(std::string content) :
      content_(std::move(content))
    {
    }

    size_t Read(void* buffer, size_t size) override;

    const std::string& GetContent() const
    {
      return content_;
    }

  private:
    std::string content_;
    size_t position_ = 0;
  };

  class StringSink : public ByteSink
  {
  public:
    using ByteSink::Write;
    void Write(const void* data, size_t size) override;

    const std::string& GetContent() const
    {
      return content_;
    }

    std::string& GetContent()
    {
      return content_;
    }

  private:
    std::string content_;
  };

  // Counts the bytes that pass through, e.g. to announce a mail's size.
  class CountingSink : public ByteSink
  {
  public:
    using ByteSink::Write;
    explicit CountingSink(ByteSink* next = nullptr) :
      next_(next)
    {
    }

    void Write(const void* data, size_t size) override;
    void Flush() override;

    uint64_t GetCount() const
    {
      return count_;
    }

  private:
    ByteSink* next_;
    uint64_t count_ = 0;
  };

  // Copies a whole source into a sink with a bounded buffer; returns the count.
  uint64_t CopyStream(ByteSource& source, ByteSink& sink, size_t bufferSize = 256 * 1024);
}
