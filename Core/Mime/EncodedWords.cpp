// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/EncodedWords.h"

#include "Core/Mime/Base64.h"
#include "Core/Mime/TextEncoding.h"

#include <algorithm>
#include <cctype>

namespace DicomMail
{
  namespace EncodedWords
  {
    namespace
    {
      struct Word
      {
        std::string charset;
        std::string bytes;
        size_t end;          // index just after "?="
      };

      int HexValue(char c)
      {
        if (c >= '0' && c <= '9')
        {
          return c - '0';
        }
        if (c >= 'A' && c <= 'F')
        {
          return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f')
        {
          return c - 'a' + 10;
        }
        return -1;
      }

      bool DecodeQ(const std::string& text, std::string& bytes)
      {
        bytes.clear();
        for (size_t i = 0; i < text.size(); i++)
        {
          if (text[i] == '_')
          {
            bytes += ' ';
          }
          else if (text[i] == '=')
          {
            if (i + 2 >= text.size())
            {
              return false;
            }
            const int high = HexValue(text[i + 1]);
            const int low = HexValue(text[i + 2]);
            if (high < 0 || low < 0)
            {
              return false;
            }
            bytes += static_cast<char>(high * 16 + low);
            i += 2;
          }
          else
          {
            bytes += text[i];
          }
        }
        return true;
      }

      // Parses an encoded word starting at "start" ("=?"); false if malformed.
      bool ParseWord(const std::string& s, size_t start, Word& word)
      {
        const size_t q1 = s.find('?', start + 2);
        if (q1 == std::string::npos || q1 == start + 2 || q1 + 2 >= s.size() || s[q1 + 2] != '?')
        {
          return false;
        }
        const size_t q3 = s.find("?=", q1 + 3);
        if (q3 == std::string::npos)
        {
          return false;
        }
        const std::string text = s.substr(q1 + 3, q3 - q1 - 3);
        if (text.find_first_of(" \t\r\n?") != std::string::npos)
        {
          return false;
        }

        word.charset = s.substr(start + 2, q1 - start - 2);
        const size_t star = word.charset.find('*');    // RFC 2231 language suffix
        if (star != std::string::npos)
        {
          word.charset.resize(star);
        }
        if (word.charset.find_first_of(" \t\r\n") != std::string::npos)
        {
          return false;
        }

        const char encoding = static_cast<char>(toupper(static_cast<unsigned char>(s[q1 + 1])));
        if (encoding == 'B')
        {
          try
          {
            word.bytes = Base64::Decode(text);
          }
          catch (...)
          {
            return false;
          }
        }
        else if (encoding == 'Q')
        {
          if (!DecodeQ(text, word.bytes))
          {
            return false;
          }
        }
        else
        {
          return false;
        }

        word.end = q3 + 2;
        return true;
      }

      bool IsPlainAscii(const std::string& s)
      {
        for (unsigned char c : s)
        {
          if (c < 0x20 || c > 0x7e)
          {
            return false;
          }
        }
        return s.find("=?") == std::string::npos;
      }

      size_t Utf8CharLength(const std::string& s, size_t i)
      {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        size_t n = 1;
        if (c >= 0xf0)
        {
          n = 4;
        }
        else if (c >= 0xe0)
        {
          n = 3;
        }
        else if (c >= 0xc0)
        {
          n = 2;
        }
        return std::min(n, s.size() - i);
      }
    }

    std::string Decode(const std::string& value)
    {
      std::string result;
      std::string plain;           // raw text not yet appended
      std::string pendingBytes;    // bytes of adjacent words of one charset
      std::string pendingCharset;
      bool lastWasWord = false;
      size_t i = 0;

      auto flushWords = [&]()
      {
        if (!pendingBytes.empty() || !pendingCharset.empty())
        {
          result += TextEncoding::ToUtf8(pendingBytes, pendingCharset);
          pendingBytes.clear();
          pendingCharset.clear();
        }
      };

      while (i < value.size())
      {
        Word word;
        if (value.compare(i, 2, "=?") == 0 && ParseWord(value, i, word))
        {
          // White space between two encoded words is not displayed.
          const bool onlySpace = plain.find_first_not_of(" \t\r\n") == std::string::npos;
          if (!(lastWasWord && onlySpace))
          {
            flushWords();
            result += TextEncoding::SanitizeUtf8(plain);
          }
          plain.clear();
          if (!pendingCharset.empty() && pendingCharset != word.charset)
          {
            flushWords();
          }
          pendingCharset = word.charset;
          pendingBytes += word.bytes;
          lastWasWord = true;
          i = word.end;
        }
        else
        {
          if (lastWasWord && value[i] != ' ' && value[i] != '\t' && value[i] != '\r' && value[i] != '\n')
          {
            flushWords();
            result += TextEncoding::SanitizeUtf8(plain);
            plain.clear();
            lastWasWord = false;
          }
          plain += value[i];
          i++;
        }
      }

      flushWords();
      result += TextEncoding::SanitizeUtf8(plain);
      return result;
    }

    bool NeedsEncoding(const std::string& text)
    {
      return !IsPlainAscii(text);
    }

    std::string Encode(const std::string& utf8Text)
    {
      return IsPlainAscii(utf8Text) ? utf8Text : EncodeAll(utf8Text);
    }

    std::string EncodeAll(const std::string& utf8Text)
    {
      const std::string text = TextEncoding::SanitizeUtf8(utf8Text);
      // 39 bytes make 52 base64 characters, a word of 64: with "Subject: "
      // before it a line stays within RFC 2047's 76 characters.
      const size_t maxBytes = 39;
      std::string result;
      size_t i = 0;
      while (i < text.size())
      {
        size_t n = 0;
        while (i + n < text.size())
        {
          const size_t c = Utf8CharLength(text, i + n);
          if (n + c > maxBytes)
          {
            break;
          }
          n += c;
        }
        if (!result.empty())
        {
          result += ' ';
        }
        result += "=?UTF-8?B?" + Base64::Encode(text.data() + i, n) + "?=";
        i += n;
      }
      return result;
    }
  }
}
