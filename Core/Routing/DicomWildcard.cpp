// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Routing/DicomWildcard.h"

#include <vector>

namespace DicomMail
{
  namespace
  {
    // Decodes UTF-8 into code points; an invalid byte stands for itself, so a
    // Latin-1 value still compares byte for byte.
    std::u32string Decode(const std::string& text)
    {
      std::u32string result;
      size_t i = 0;
      while (i < text.size())
      {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        size_t length = 0;
        char32_t cp = 0;
        if (c < 0x80)
        {
          length = 1;
          cp = c;
        }
        else if ((c & 0xE0) == 0xC0)
        {
          length = 2;
          cp = c & 0x1F;
        }
        else if ((c & 0xF0) == 0xE0)
        {
          length = 3;
          cp = c & 0x0F;
        }
        else if ((c & 0xF8) == 0xF0)
        {
          length = 4;
          cp = c & 0x07;
        }
        bool valid = length > 0 && i + length <= text.size();
        for (size_t k = 1; valid && k < length; k++)
        {
          const unsigned char next = static_cast<unsigned char>(text[i + k]);
          if ((next & 0xC0) != 0x80)
          {
            valid = false;
          }
          else
          {
            cp = (cp << 6) | (next & 0x3F);
          }
        }
        if (!valid)
        {
          result.push_back(c);
          i++;
        }
        else
        {
          result.push_back(cp);
          i += length;
        }
      }
      return result;
    }

    char32_t Fold(char32_t c)
    {
      if (c >= U'a' && c <= U'z')
      {
        return c - 0x20;
      }
      // Latin-1 lower case letters (à..þ without ÷) to upper case.
      if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
      {
        return c - 0x20;
      }
      return c;
    }

    std::u32string Normalize(const std::string& text)
    {
      std::u32string result = Decode(text);
      while (!result.empty() && (result.back() == U' ' || result.back() == U'\0'))
      {
        result.pop_back();
      }
      for (char32_t& c : result)
      {
        c = Fold(c);
      }
      return result;
    }

    // Iterative matcher with one backtrack point for the last "*": linear in
    // practice, never exponential on hostile patterns.
    bool Match(const std::u32string& pattern, const std::u32string& value)
    {
      size_t p = 0;
      size_t v = 0;
      size_t star = std::u32string::npos;
      size_t resume = 0;
      while (v < value.size())
      {
        if (p < pattern.size() && (pattern[p] == U'?' || pattern[p] == value[v]))
        {
          p++;
          v++;
        }
        else if (p < pattern.size() && pattern[p] == U'*')
        {
          star = p++;
          resume = v;
        }
        else if (star != std::u32string::npos)
        {
          p = star + 1;
          v = ++resume;
        }
        else
        {
          return false;
        }
      }
      while (p < pattern.size() && pattern[p] == U'*')
      {
        p++;
      }
      return p == pattern.size();
    }

    std::vector<std::string> SplitBackslash(const std::string& text)
    {
      std::vector<std::string> result;
      size_t start = 0;
      for (;;)
      {
        const size_t end = text.find('\\', start);
        result.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos)
        {
          return result;
        }
        start = end + 1;
      }
    }
  }

  bool DicomWildcard::Matches(const std::string& pattern, const std::string& value)
  {
    return Match(Normalize(pattern), Normalize(value));
  }

  bool DicomWildcard::MatchesValue(const std::string& pattern, const std::string& value)
  {
    const std::vector<std::string> values = SplitBackslash(value);
    for (const std::string& alternative : SplitBackslash(pattern))
    {
      if (Matches(alternative, value))
      {
        return true;
      }
      if (values.size() > 1)
      {
        for (const std::string& single : values)
        {
          if (Matches(alternative, single))
          {
            return true;
          }
        }
      }
    }
    return false;
  }
}
