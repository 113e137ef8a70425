// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // Character-set helpers for showing header text: the result is always
  // valid UTF-8, whatever bytes arrived.
  namespace TextEncoding
  {
    bool IsValidUtf8(const std::string& text);

    // Keeps valid UTF-8 sequences, replaces every invalid byte by U+FFFD.
    std::string SanitizeUtf8(const std::string& text);

    std::string Latin1ToUtf8(const std::string& text);

    // Converts "bytes" in charset "charset" (case-insensitive) to UTF-8:
    // UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15 and Windows-1252 (each with
    // its own table where it differs from Latin-1); any other charset is
    // treated as UTF-8 and sanitized.
    std::string ToUtf8(const std::string& bytes, const std::string& charset);
  }
}
