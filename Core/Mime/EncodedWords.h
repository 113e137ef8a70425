// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // RFC 2047 encoded words ("=?UTF-8?B?...?=") in unstructured header text.
  namespace EncodedWords
  {
    // For display: decodes B and Q words (UTF-8, US-ASCII, ISO-8859-1; other
    // charsets are read as UTF-8), drops the white space between adjacent
    // encoded words, leaves malformed words as they are. The result is
    // always valid UTF-8: invalid bytes become U+FFFD.
    std::string Decode(const std::string& headerValue);

    // For writing: printable ASCII comes back unchanged, anything else as
    // space-separated "=?UTF-8?B?...?=" words of at most 75 characters,
    // never splitting a character (invalid UTF-8 is sanitized first).
    std::string Encode(const std::string& utf8Text);
  }
}
