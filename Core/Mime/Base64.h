// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // One-shot helpers for small values (encoded words, checksums, tests); big
  // data goes through Base64Encoder / Base64Decoder.
  namespace Base64
  {
    // No line breaks unless "lineLength" > 0 (then CRLF every lineLength chars).
    std::string Encode(const void* data, size_t size, size_t lineLength = 0);
    std::string Encode(const std::string& data, size_t lineLength = 0);

    // Strict: throws Error(BadInput) like Base64Decoder.
    std::string Decode(const std::string& text);
  }
}
