// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Mime/MimeHeaders.h"

#include "Core/Common/Error.h"
#include "Core/Mime/EncodedWords.h"
#include "Core/Mime/TextEncoding.h"

#include <algorithm>
#include <cctype>
#include <strings.h>

namespace DicomMail
{
  namespace
  {
    const size_t PREFERRED_LINE = 78;
    const size_t MAX_LINE = 998;

    bool SameName(const std::string& a, const std::string& b)
    {
      return a.size() == b.size() && strcasecmp(a.c_str(), b.c_str()) == 0;
    }

    bool IsSpace(char c)
    {
      return c == ' ' || c == '\t';
    }

    std::string TrimSpaces(const std::string& s)
    {
      size_t begin = 0;
      size_t end = s.size();
      while (begin < end && IsSpace(s[begin]))
      {
        begin++;
      }
      while (end > begin && IsSpace(s[end - 1]))
      {
        end--;
      }
      return s.substr(begin, end - begin);
    }

    // A short, printable excerpt of hostile input for error messages.
    std::string Excerpt(const std::string& s)
    {
      std::string result;
      for (size_t i = 0; i < s.size() && i < 40; i++)
      {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        result += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
      }
      if (s.size() > 40)
      {
        result += "...";
      }
      return result;
    }
  }

  bool IsValidHeaderName(const std::string& name)
  {
    if (name.empty())
    {
      return false;
    }
    for (unsigned char c : name)
    {
      if (c <= 32 || c >= 127 || c == ':')
      {
        return false;
      }
    }
    return true;
  }

  bool IsSafeHeaderValue(const std::string& value)
  {
    for (unsigned char c : value)
    {
      if ((c < 0x20 && c != '\t') || c == 0x7f)
      {
        return false;
      }
    }
    return true;
  }

  void MimeHeaders::Add(const std::string& name, const std::string& value)
  {
    if (!IsValidHeaderName(name))
    {
      throw Error(ErrorKind::BadInput, "invalid header name \"" + Excerpt(name) + "\"");
    }
    if (!IsSafeHeaderValue(value))
    {
      throw Error(ErrorKind::BadInput, "unsafe value for header " + name +
                  ": contains CR, LF or another control character");
    }
    fields_.push_back(MimeHeaderField{ name, TrimSpaces(value) });
  }

  void MimeHeaders::Set(const std::string& name, const std::string& value)
  {
    MimeHeaders single;
    single.Add(name, value);    // validates before anything changes

    for (size_t i = 0; i < fields_.size(); i++)
    {
      if (SameName(fields_[i].name, name))
      {
        fields_[i] = single.fields_[0];
        for (size_t j = fields_.size(); j-- > i + 1; )
        {
          if (SameName(fields_[j].name, name))
          {
            fields_.erase(fields_.begin() + j);
          }
        }
        return;
      }
    }
    fields_.push_back(single.fields_[0]);
  }

  size_t MimeHeaders::Remove(const std::string& name)
  {
    const size_t before = fields_.size();
    fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                                 [&](const MimeHeaderField& f) { return SameName(f.name, name); }),
                  fields_.end());
    return before - fields_.size();
  }

  bool MimeHeaders::Has(const std::string& name) const
  {
    std::string ignored;
    return Lookup(ignored, name);
  }

  bool MimeHeaders::Lookup(std::string& value, const std::string& name) const
  {
    for (const MimeHeaderField& field : fields_)
    {
      if (SameName(field.name, name))
      {
        value = field.value;
        return true;
      }
    }
    return false;
  }

  std::string MimeHeaders::Get(const std::string& name, const std::string& defaultValue) const
  {
    std::string value;
    return Lookup(value, name) ? value : defaultValue;
  }

  std::string MimeHeaders::GetDecoded(const std::string& name) const
  {
    return EncodedWords::Decode(Get(name));
  }

  std::vector<std::string> MimeHeaders::GetAll(const std::string& name) const
  {
    std::vector<std::string> values;
    for (const MimeHeaderField& field : fields_)
    {
      if (SameName(field.name, name))
      {
        values.push_back(field.value);
      }
    }
    return values;
  }

  ContentType MimeHeaders::GetContentType() const
  {
    ContentType type;
    std::string value;
    if (Lookup(value, "Content-Type") && ContentType::TryParse(type, value))
    {
      return type;
    }
    type = ContentType("text", "plain");
    type.SetParameter("charset", "us-ascii");
    return type;
  }

  std::string MimeHeaders::GetTransferEncoding() const
  {
    std::string value = TrimSpaces(Get("Content-Transfer-Encoding", "7bit"));
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(tolower(c)); });
    return value.empty() ? "7bit" : value;
  }

  std::string MimeHeaders::FoldField(const std::string& name, const std::string& value)
  {
    std::string result = name + ":";
    size_t lineLength = result.size();
    bool lineHasWord = false;

    // Tokens: a run of white space followed by a run of other characters.
    // Folding means writing CRLF before a token's white space, which the
    // reader's unfolding removes again.
    const std::string text = " " + value;
    size_t i = 0;
    while (i < text.size())
    {
      size_t j = i;
      while (j < text.size() && IsSpace(text[j]))
      {
        j++;
      }
      while (j < text.size() && !IsSpace(text[j]))
      {
        j++;
      }
      const size_t length = j - i;

      if (lineHasWord && lineLength + length > PREFERRED_LINE)
      {
        result += "\r\n";
        lineLength = 0;
      }
      if (lineLength + length > MAX_LINE)
      {
        throw Error(ErrorKind::BadInput, "header " + name + " cannot be folded: a word of " +
                    std::to_string(length) + " characters exceeds the 998-character line limit");
      }
      result.append(text, i, length);
      lineLength += length;
      lineHasWord = true;
      i = j;
    }
    return result;
  }

  void MimeHeaders::Write(ByteSink& sink) const
  {
    sink.Write(Format());
  }

  std::string MimeHeaders::Format() const
  {
    std::string result;
    for (const MimeHeaderField& field : fields_)
    {
      result += FoldField(field.name, field.value);
      result += "\r\n";
    }
    return result;
  }

  void MimeHeaders::AddWireLine(const std::string& line)
  {
    if (line.find('\0') != std::string::npos)
    {
      throw Error(ErrorKind::BadInput, "NUL byte in header line \"" + Excerpt(line) + "\"");
    }

    if (!line.empty() && IsSpace(line[0]))
    {
      if (fields_.empty())
      {
        throw Error(ErrorKind::BadInput, "header block starts with a continuation line \"" + Excerpt(line) + "\"");
      }
      // Unfolded in place: rebuilding the whole value for every
      // continuation line made many short folded lines quadratic (fuzzing).
      std::string& value = fields_.back().value;
      const bool wasEmpty = value.empty();
      value.append(line);
      while (!value.empty() && IsSpace(value.back()))
      {
        value.pop_back();
      }
      if (wasEmpty)
      {
        size_t begin = 0;
        while (begin < value.size() && IsSpace(value[begin]))
        {
          begin++;
        }
        value.erase(0, begin);
      }
      return;
    }

    const size_t colon = line.find(':');
    if (colon == std::string::npos)
    {
      throw Error(ErrorKind::BadInput, "malformed header line (no colon): \"" + Excerpt(line) + "\"");
    }

    // "Name :" is obsolete syntax (RFC 5322 section 4.5) but still seen.
    const std::string name = TrimSpaces(line.substr(0, colon));
    if (!IsValidHeaderName(name))
    {
      throw Error(ErrorKind::BadInput, "malformed header line (invalid field name): \"" + Excerpt(line) + "\"");
    }
    fields_.push_back(MimeHeaderField{ name, TrimSpaces(line.substr(colon + 1)) });
  }

  MimeHeaders MimeHeaders::Parse(const std::string& block, size_t maxSize)
  {
    if (block.size() > maxSize)
    {
      throw Error(ErrorKind::LimitExceeded, "header block of " + std::to_string(block.size()) +
                  " bytes exceeds the limit of " + std::to_string(maxSize) + " bytes");
    }

    MimeHeaders headers;
    size_t start = 0;
    while (start < block.size())
    {
      size_t end = block.find('\n', start);
      const size_t next = (end == std::string::npos ? block.size() : end + 1);
      if (end == std::string::npos)
      {
        end = block.size();
      }
      if (end > start && block[end - 1] == '\r')
      {
        end--;
      }
      if (end == start)
      {
        break;    // the empty line ending the block
      }
      headers.AddWireLine(block.substr(start, end - start));
      start = next;
    }
    return headers;
  }
}
