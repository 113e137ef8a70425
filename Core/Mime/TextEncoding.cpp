// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/TextEncoding.h"

#include <algorithm>
#include <cctype>

namespace DicomMail
{
  namespace TextEncoding
  {
    namespace
    {
      const char REPLACEMENT[] = "\xEF\xBF\xBD";

      // Length of the valid UTF-8 sequence starting at "i", or 0.
      size_t ValidSequenceLength(const std::string& s, size_t i)
      {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80)
        {
          return 1;
        }

        size_t length;
        unsigned char low = 0x80, high = 0xbf;   // bounds of the second byte
        if (c >= 0xc2 && c <= 0xdf)
        {
          length = 2;
        }
        else if (c >= 0xe0 && c <= 0xef)
        {
          length = 3;
          if (c == 0xe0)
          {
            low = 0xa0;     // overlong
          }
          else if (c == 0xed)
          {
            high = 0x9f;    // surrogates
          }
        }
        else if (c >= 0xf0 && c <= 0xf4)
        {
          length = 4;
          if (c == 0xf0)
          {
            low = 0x90;
          }
          else if (c == 0xf4)
          {
            high = 0x8f;    // above U+10FFFF
          }
        }
        else
        {
          return 0;
        }

        if (i + length > s.size())
        {
          return 0;
        }
        const unsigned char second = static_cast<unsigned char>(s[i + 1]);
        if (second < low || second > high)
        {
          return 0;
        }
        for (size_t k = 2; k < length; k++)
        {
          const unsigned char next = static_cast<unsigned char>(s[i + k]);
          if (next < 0x80 || next > 0xbf)
          {
            return 0;
          }
        }
        return length;
      }

      std::string Lower(const std::string& s)
      {
        std::string result = s;
        std::transform(result.begin(), result.end(), result.begin(),
                       [](unsigned char c) { return static_cast<char>(tolower(c)); });
        return result;
      }
    }

    bool IsValidUtf8(const std::string& text)
    {
      size_t i = 0;
      while (i < text.size())
      {
        const size_t n = ValidSequenceLength(text, i);
        if (n == 0)
        {
          return false;
        }
        i += n;
      }
      return true;
    }

    std::string SanitizeUtf8(const std::string& text)
    {
      std::string result;
      result.reserve(text.size());
      size_t i = 0;
      while (i < text.size())
      {
        const size_t n = ValidSequenceLength(text, i);
        if (n == 0)
        {
          result += REPLACEMENT;
          i++;
        }
        else
        {
          result.append(text, i, n);
          i += n;
        }
      }
      return result;
    }

    std::string Latin1ToUtf8(const std::string& text)
    {
      std::string result;
      result.reserve(text.size() + text.size() / 4);
      for (unsigned char c : text)
      {
        if (c < 0x80)
        {
          result += static_cast<char>(c);
        }
        else
        {
          result += static_cast<char>(0xc0 | (c >> 6));
          result += static_cast<char>(0x80 | (c & 0x3f));
        }
      }
      return result;
    }

    std::string ToUtf8(const std::string& bytes, const std::string& charset)
    {
      const std::string c = Lower(charset);
      if (c == "iso-8859-1" || c == "latin1" || c == "iso8859-1" || c == "iso_8859-1" ||
          c == "iso-8859-15" || c == "windows-1252" || c == "cp1252")
      {
        return Latin1ToUtf8(bytes);
      }
      return SanitizeUtf8(bytes);
    }
  }
}
