// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/TextEncoding.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

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

      void AppendCodePoint(std::string& out, uint32_t cp)
      {
        if (cp < 0x80)
        {
          out += static_cast<char>(cp);
        }
        else if (cp < 0x800)
        {
          out += static_cast<char>(0xc0 | (cp >> 6));
          out += static_cast<char>(0x80 | (cp & 0x3f));
        }
        else
        {
          out += static_cast<char>(0xe0 | (cp >> 12));
          out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
          out += static_cast<char>(0x80 | (cp & 0x3f));
        }
      }

      // The code points of a single-byte charset that differ from Latin-1.
      struct Difference
      {
        unsigned char byte;
        uint32_t codePoint;
      };

      // ISO-8859-15 (Latin-9) replaces eight Latin-1 symbols, e.g. 0xA4 by the euro sign.
      const Difference kIso8859_15[] =
      {
        { 0xa4, 0x20ac }, { 0xa6, 0x0160 }, { 0xa8, 0x0161 }, { 0xb4, 0x017d },
        { 0xb8, 0x017e }, { 0xbc, 0x0152 }, { 0xbd, 0x0153 }, { 0xbe, 0x0178 }
      };

      // Windows-1252 puts printable characters where Latin-1 has C1 controls;
      // 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined (shown as U+FFFD).
      const Difference kWindows1252[] =
      {
        { 0x80, 0x20ac }, { 0x81, 0xfffd }, { 0x82, 0x201a }, { 0x83, 0x0192 },
        { 0x84, 0x201e }, { 0x85, 0x2026 }, { 0x86, 0x2020 }, { 0x87, 0x2021 },
        { 0x88, 0x02c6 }, { 0x89, 0x2030 }, { 0x8a, 0x0160 }, { 0x8b, 0x2039 },
        { 0x8c, 0x0152 }, { 0x8d, 0xfffd }, { 0x8e, 0x017d }, { 0x8f, 0xfffd },
        { 0x90, 0xfffd }, { 0x91, 0x2018 }, { 0x92, 0x2019 }, { 0x93, 0x201c },
        { 0x94, 0x201d }, { 0x95, 0x2022 }, { 0x96, 0x2013 }, { 0x97, 0x2014 },
        { 0x98, 0x02dc }, { 0x99, 0x2122 }, { 0x9a, 0x0161 }, { 0x9b, 0x203a },
        { 0x9c, 0x0153 }, { 0x9d, 0xfffd }, { 0x9e, 0x017e }, { 0x9f, 0x0178 }
      };

      template <size_t N>
      std::string SingleByteToUtf8(const std::string& text, const Difference (&differences)[N])
      {
        std::string result;
        result.reserve(text.size() + text.size() / 4);
        for (unsigned char c : text)
        {
          uint32_t cp = c;
          for (const Difference& d : differences)
          {
            if (d.byte == c)
            {
              cp = d.codePoint;
              break;
            }
          }
          AppendCodePoint(result, cp);
        }
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
        AppendCodePoint(result, c);
      }
      return result;
    }

    std::string ToUtf8(const std::string& bytes, const std::string& charset)
    {
      const std::string c = Lower(charset);
      if (c == "iso-8859-1" || c == "latin1" || c == "iso8859-1" || c == "iso_8859-1")
      {
        return Latin1ToUtf8(bytes);
      }
      if (c == "iso-8859-15" || c == "iso8859-15" || c == "iso_8859-15" || c == "latin-9" || c == "latin9")
      {
        return SingleByteToUtf8(bytes, kIso8859_15);
      }
      if (c == "windows-1252" || c == "cp1252")
      {
        return SingleByteToUtf8(bytes, kWindows1252);
      }
      return SanitizeUtf8(bytes);
    }
  }
}
