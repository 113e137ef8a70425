// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstddef>
#include <string>

namespace DicomMail
{
  // Collects the application/pgp-keys part of a received entity (#22) up to
  // "maxBytes". Unlike BoundedStringSink it never throws: a key part too
  // large is dropped (and said so), the transfer around it goes on.
  class KeyPartSink : public ByteSink
  {
  public:
    explicit KeyPartSink(size_t maxBytes) :
      maxBytes_(maxBytes)
    {
    }

    using ByteSink::Write;
    void Write(const void* data, size_t size) override
    {
      if (tooLarge_ || content_.size() + size > maxBytes_)
      {
        tooLarge_ = true;
        content_.clear();
        return;
      }
      content_.append(static_cast<const char*>(data), size);
    }

    const std::string& GetContent() const
    {
      return content_;
    }

    bool IsTooLarge() const
    {
      return tooLarge_;
    }

  private:
    size_t maxBytes_;
    std::string content_;
    bool tooLarge_ = false;
  };
}
