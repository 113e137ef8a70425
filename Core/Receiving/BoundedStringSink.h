// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstddef>
#include <string>

namespace DicomMail
{
  // Collects a small body (a signature, a manifest, a control part) in
  // memory, refusing more than "maxBytes": hostile mail cannot make us hold
  // a large part in a string.
  class BoundedStringSink : public ByteSink
  {
  public:
    // "what" names the content in the error, e.g. "the manifest part".
    BoundedStringSink(size_t maxBytes, const std::string& what);

    using ByteSink::Write;
    void Write(const void* data, size_t size) override;

    const std::string& GetContent() const
    {
      return content_;
    }

  private:
    size_t maxBytes_;
    std::string what_;
    std::string content_;
  };
}
