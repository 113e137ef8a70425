// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/RawHeaderBlock.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  namespace
  {
    char Lower(char c)
    {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }

    bool IsBlank(const std::string& line)
    {
      return line == "\r\n" || line == "\n";
    }
  }

  bool RawHeaderBlock::EqualsIgnoreCase(const std::string& a, const std::string& b)
  {
    if (a.size() != b.size())
    {
      return false;
    }
    for (size_t i = 0; i < a.size(); i++)
    {
      if (Lower(a[i]) != Lower(b[i]))
      {
        return false;
      }
    }
    return true;
  }

  std::string RawHeaderField::GetValue() const
  {
    std::string value;
    const size_t colon = raw.find(':');
    for (size_t i = colon + 1; i < raw.size(); i++)
    {
      if (raw[i] != '\r' && raw[i] != '\n')
      {
        value.push_back(raw[i] == '\t' ? ' ' : raw[i]);
      }
    }
    const size_t first = value.find_first_not_of(' ');
    if (first == std::string::npos)
    {
      return "";
    }
    const size_t last = value.find_last_not_of(' ');
    return value.substr(first, last - first + 1);
  }

  bool RawHeaderField::HasName(const std::string& otherName) const
  {
    return RawHeaderBlock::EqualsIgnoreCase(name, otherName);
  }

  void RawHeaderBlock::Read(LineReader& reader, size_t maxBytes)
  {
    fields_.clear();
    terminator_.clear();

    const std::string tooLarge = "A header block is larger than " + std::to_string(maxBytes) + " bytes";
    size_t total = 0;
    std::string line;
    for (;;)
    {
      try
      {
        if (!reader.ReadLine(line, maxBytes - total))
        {
          return;
        }
      }
      catch (const Error& e)
      {
        if (e.GetKind() == ErrorKind::LimitExceeded)
        {
          throw Error(ErrorKind::LimitExceeded, tooLarge);
        }
        throw;
      }
      total += line.size();

      if (IsBlank(line))
      {
        terminator_ = line;
        return;
      }

      if (line[0] == ' ' || line[0] == '\t')
      {
        if (fields_.empty())
        {
          throw Error(ErrorKind::BadInput, "A header block starts with a continuation line");
        }
        fields_.back().raw += line;
        continue;
      }

      const size_t colon = line.find(':');
      if (colon == std::string::npos || colon == 0)
      {
        throw Error(ErrorKind::BadInput, "Header line " + std::to_string(fields_.size() + 1) +
                    " is not a \"Name: value\" field");
      }
      for (size_t i = 0; i < colon; i++)
      {
        // RFC 5322 field names: printable ASCII except the colon, no spaces.
        const unsigned char c = static_cast<unsigned char>(line[i]);
        if (c <= 32 || c >= 127)
        {
          throw Error(ErrorKind::BadInput, "Header line " + std::to_string(fields_.size() + 1) +
                      " has an invalid field name");
        }
      }

      RawHeaderField field;
      field.name = line.substr(0, colon);
      field.raw = line;
      fields_.push_back(std::move(field));
    }
  }

  const RawHeaderField* RawHeaderBlock::Find(const std::string& name) const
  {
    for (const RawHeaderField& field : fields_)
    {
      if (field.HasName(name))
      {
        return &field;
      }
    }
    return nullptr;
  }
}
