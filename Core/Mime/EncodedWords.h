// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // RFC 2047 encoded words ("=?UTF-8?B?...?=") in unstructured header text.
  namespace EncodedWords
  {
    // For display: decodes B and Q words (UTF-8, US-ASCII, ISO-8859-1,
    // ISO-8859-15, Windows-1252; other charsets are read as UTF-8), drops
    // the white space between adjacent encoded words, leaves malformed
    // words as they are. The result is always valid UTF-8: invalid bytes
    // become U+FFFD.
    std::string Decode(const std::string& headerValue);

    // True unless "text" is printable ASCII without "=?" (which a reader
    // would take for the start of an encoded word).
    bool NeedsEncoding(const std::string& text);

    // For writing unstructured text (Subject): printable ASCII comes back
    // unchanged, anything else as EncodeAll() does.
    std::string Encode(const std::string& utf8Text);

    // The whole text as space-separated "=?UTF-8?B?...?=" words of at most
    // 64 characters, never splitting a character (invalid UTF-8 is
    // sanitized first). Also for a phrase (display name), where a word may
    // stand in place of a whole quoted-string (RFC 2047 section 5).
    std::string EncodeAll(const std::string& utf8Text);
  }
}
