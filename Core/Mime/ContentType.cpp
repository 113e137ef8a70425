// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/ContentType.h"

#include "Core/Common/Error.h"
#include "Core/Mime/MimeHeaders.h"
#include "Core/Mime/TextEncoding.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

namespace DicomMail
{
  namespace
  {
    const unsigned int MAX_SECTIONS = 100;    // RFC 2231 continuations per parameter

    std::string Lower(std::string s)
    {
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return static_cast<char>(tolower(c)); });
      return s;
    }

    bool IsTokenChar(unsigned char c)
    {
      // RFC 2045 token: printable ASCII except space and tspecials.
      return c > 32 && c < 127 && std::string("()<>@,;:\\\"/[]?=").find(static_cast<char>(c)) == std::string::npos;
    }

    class Scanner
    {
    public:
      explicit Scanner(const std::string& s) :
        s_(s)
      {
      }

      bool AtEnd()
      {
        SkipSpaceAndComments();
        return i_ >= s_.size();
      }

      void SkipSpaceAndComments()
      {
        for (;;)
        {
          while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n'))
          {
            i_++;
          }
          if (i_ < s_.size() && s_[i_] == '(')
          {
            int depth = 0;
            while (i_ < s_.size())
            {
              const char c = s_[i_++];
              if (c == '\\' && i_ < s_.size())
              {
                i_++;
              }
              else if (c == '(')
              {
                depth++;
              }
              else if (c == ')' && --depth == 0)
              {
                break;
              }
            }
            continue;
          }
          return;
        }
      }

      bool Expect(char c)
      {
        SkipSpaceAndComments();
        if (i_ < s_.size() && s_[i_] == c)
        {
          i_++;
          return true;
        }
        return false;
      }

      std::string Token()
      {
        SkipSpaceAndComments();
        const size_t start = i_;
        while (i_ < s_.size() && IsTokenChar(static_cast<unsigned char>(s_[i_])))
        {
          i_++;
        }
        return s_.substr(start, i_ - start);
      }

      // A quoted string, or liberally anything up to ';' or white space.
      bool Value(std::string& value)
      {
        SkipSpaceAndComments();
        value.clear();
        if (i_ < s_.size() && s_[i_] == '"')
        {
          i_++;
          while (i_ < s_.size() && s_[i_] != '"')
          {
            if (s_[i_] == '\\' && i_ + 1 < s_.size())
            {
              i_++;
            }
            if (s_[i_] != '\r' && s_[i_] != '\n')
            {
              value += s_[i_];
            }
            i_++;
          }
          if (i_ < s_.size())
          {
            i_++;    // closing quote; a missing one is tolerated
          }
          return true;
        }
        const size_t start = i_;
        while (i_ < s_.size() && s_[i_] != ';' && s_[i_] != ' ' && s_[i_] != '\t')
        {
          i_++;
        }
        value = s_.substr(start, i_ - start);
        return i_ > start;
      }

      void SkipToSemicolon()
      {
        bool quoted = false;
        while (i_ < s_.size() && (quoted || s_[i_] != ';'))
        {
          if (s_[i_] == '"')
          {
            quoted = !quoted;
          }
          else if (s_[i_] == '\\' && quoted)
          {
            i_++;
          }
          i_++;
        }
      }

    private:
      const std::string& s_;
      size_t i_ = 0;
    };

    int HexValue(char c)
    {
      if (c >= '0' && c <= '9')
      {
        return c - '0';
      }
      c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
      if (c >= 'a' && c <= 'f')
      {
        return c - 'a' + 10;
      }
      return -1;
    }

    std::string PercentDecode(const std::string& s)
    {
      std::string result;
      for (size_t i = 0; i < s.size(); i++)
      {
        if (s[i] == '%' && i + 2 < s.size() &&
            HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0)
        {
          result += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
          i += 2;
        }
        else
        {
          result += s[i];
        }
      }
      return result;
    }

    struct Section
    {
      std::string value;
      bool encoded;
    };

    struct RawParameter
    {
      std::string plain;                        // "name=value"
      bool hasPlain = false;
      std::map<unsigned int, Section> sections; // "name*N" / "name*N*" / "name*" (as 0)
    };

    ContentType::Parameters ParseParameterList(Scanner& scanner)
    {
      std::vector<std::string> order;
      std::map<std::string, RawParameter> raw;

      for (;;)
      {
        if (!scanner.Expect(';'))
        {
          break;    // end, or garbage that is ignored
        }
        const std::string name = Lower(scanner.Token());
        std::string value;
        if (name.empty() || !scanner.Expect('=') || !scanner.Value(value))
        {
          scanner.SkipToSemicolon();
          continue;
        }

        std::string base = name;
        bool extended = false;
        unsigned int section = 0;
        const size_t star = name.find('*');
        if (star != std::string::npos)
        {
          base = name.substr(0, star);
          std::string rest = name.substr(star + 1);
          if (!rest.empty() && rest.back() == '*')
          {
            extended = true;
            rest.pop_back();
          }
          else if (rest.empty())
          {
            extended = true;    // "name*="
          }
          if (!rest.empty())
          {
            if (rest.size() > 2 || !std::all_of(rest.begin(), rest.end(), ::isdigit))
            {
              continue;
            }
            section = static_cast<unsigned int>(std::stoul(rest));
            if (section >= MAX_SECTIONS)
            {
              continue;
            }
          }
        }
        if (base.empty())
        {
          continue;
        }

        if (raw.find(base) == raw.end())
        {
          order.push_back(base);
        }
        RawParameter& p = raw[base];
        if (star == std::string::npos)
        {
          if (!p.hasPlain)
          {
            p.plain = value;
            p.hasPlain = true;
          }
        }
        else if (p.sections.find(section) == p.sections.end())
        {
          p.sections[section] = Section{ value, extended };
        }
      }

      ContentType::Parameters result;
      for (const std::string& name : order)
      {
        const RawParameter& p = raw[name];
        if (p.sections.empty() || p.sections.begin()->first != 0)
        {
          if (p.hasPlain)
          {
            result.push_back(std::make_pair(name, p.plain));
          }
          continue;
        }

        // Extended value: sections 0, 1, ... in order, stop at a gap.
        std::string charset;
        std::string bytes;
        unsigned int expected = 0;
        for (const auto& s : p.sections)
        {
          if (s.first != expected++)
          {
            break;
          }
          std::string v = s.second.value;
          if (s.first == 0 && s.second.encoded)
          {
            const size_t q1 = v.find('\'');
            const size_t q2 = (q1 == std::string::npos ? std::string::npos : v.find('\'', q1 + 1));
            if (q2 != std::string::npos)
            {
              charset = v.substr(0, q1);
              v = v.substr(q2 + 1);
            }
          }
          bytes += s.second.encoded ? PercentDecode(v) : v;
        }
        result.push_back(std::make_pair(name, TextEncoding::ToUtf8(bytes, charset.empty() ? "utf-8" : charset)));
      }
      return result;
    }

    bool IsToken(const std::string& s)
    {
      return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return IsTokenChar(static_cast<unsigned char>(c)); });
    }
  }

  ContentType::ContentType() :
    type_("text"),
    subtype_("plain")
  {
  }

  ContentType::ContentType(const std::string& type, const std::string& subtype) :
    type_(Lower(type)),
    subtype_(Lower(subtype))
  {
    if (!IsToken(type_) || !IsToken(subtype_))
    {
      throw Error(ErrorKind::BadInput, "invalid MIME type \"" + type + "/" + subtype + "\"");
    }
  }

  bool ContentType::TryParse(ContentType& result, const std::string& value)
  {
    Scanner scanner(value);
    const std::string type = Lower(scanner.Token());
    if (type.empty() || !scanner.Expect('/'))
    {
      return false;
    }
    const std::string subtype = Lower(scanner.Token());
    if (subtype.empty())
    {
      return false;
    }

    result.type_ = type;
    result.subtype_ = subtype;
    result.parameters_ = ParseParameterList(scanner);
    return true;
  }

  ContentType ContentType::Parse(const std::string& value)
  {
    ContentType result;
    if (!TryParse(result, value))
    {
      std::string excerpt = TextEncoding::SanitizeUtf8(value.substr(0, 60));
      throw Error(ErrorKind::BadInput, "invalid Content-Type \"" + excerpt + "\" (expected type/subtype)");
    }
    return result;
  }

  ContentType::Parameters ContentType::ParseParameters(std::string& token, const std::string& value)
  {
    Scanner scanner(value);
    token = Lower(scanner.Token());
    return ParseParameterList(scanner);
  }

  std::string ContentType::GetMimeType() const
  {
    return type_ + "/" + subtype_;
  }

  bool ContentType::Is(const std::string& mimeType) const
  {
    return Lower(mimeType) == GetMimeType();
  }

  bool ContentType::HasParameter(const std::string& name) const
  {
    const std::string key = Lower(name);
    for (const auto& p : parameters_)
    {
      if (p.first == key)
      {
        return true;
      }
    }
    return false;
  }

  std::string ContentType::GetParameter(const std::string& name, const std::string& defaultValue) const
  {
    const std::string key = Lower(name);
    for (const auto& p : parameters_)
    {
      if (p.first == key)
      {
        return p.second;
      }
    }
    return defaultValue;
  }

  void ContentType::SetParameter(const std::string& name, const std::string& value)
  {
    const std::string key = Lower(name);
    if (!IsToken(key) || key.find('*') != std::string::npos)
    {
      throw Error(ErrorKind::BadInput, "invalid MIME parameter name \"" + name + "\"");
    }
    if (!IsSafeHeaderValue(value))
    {
      throw Error(ErrorKind::BadInput, "unsafe value for MIME parameter " + key);
    }
    for (auto& p : parameters_)
    {
      if (p.first == key)
      {
        p.second = value;
        return;
      }
    }
    parameters_.push_back(std::make_pair(key, value));
  }

  std::string ContentType::FormatParameter(const std::string& name, const std::string& value)
  {
    bool ascii = true;
    for (unsigned char c : value)
    {
      if (c >= 0x80)
      {
        ascii = false;
      }
    }

    if (!ascii)
    {
      std::string encoded = name + "*=UTF-8''";
      for (unsigned char c : TextEncoding::SanitizeUtf8(value))
      {
        if (IsTokenChar(c) && c != '*' && c != '\'' && c != '%')
        {
          encoded += static_cast<char>(c);
        }
        else
        {
          char hex[4];
          snprintf(hex, sizeof(hex), "%%%02X", c);
          encoded += hex;
        }
      }
      return encoded;
    }

    if (IsToken(value))
    {
      return name + "=" + value;
    }

    std::string quoted = name + "=\"";
    for (char c : value)
    {
      if (c == '"' || c == '\\')
      {
        quoted += '\\';
      }
      quoted += c;
    }
    return quoted + "\"";
  }

  std::string ContentType::Format() const
  {
    std::string result = GetMimeType();
    for (const auto& p : parameters_)
    {
      result += "; " + FormatParameter(p.first, p.second);
    }
    return result;
  }
}
