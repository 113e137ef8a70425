// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transport/SmtpReply.h"

#include <cctype>

namespace DicomMail
{
  namespace SmtpReply
  {
    const char* const kMailboxFull = "partner's mailbox is full";

    namespace
    {
      bool IsDigit(char c)
      {
        return isdigit(static_cast<unsigned char>(c)) != 0;
      }
    }

    long ParseCode(const std::string& line)
    {
      if (line.size() >= 3 && IsDigit(line[0]) && IsDigit(line[1]) && IsDigit(line[2]) &&
          (line.size() == 3 || line[3] == ' ' || line[3] == '-'))
      {
        return std::stol(line.substr(0, 3));
      }
      return 0;
    }

    std::string ParseEnhancedCode(const std::string& line)
    {
      if (ParseCode(line) == 0 || line.size() < 5)
      {
        return "";
      }
      // class "." subject "." detail (RFC 3463): 1 digit, 1-3 digits, 1-3 digits.
      size_t i = 4;
      const size_t start = i;
      int dots = 0;
      size_t digits = 0;
      while (i < line.size() && line[i] != ' ')
      {
        if (IsDigit(line[i]))
        {
          if (++digits > 3)
          {
            return "";
          }
        }
        else if (line[i] == '.' && digits > 0 && dots < 2)
        {
          dots++;
          digits = 0;
        }
        else
        {
          return "";
        }
        i++;
      }
      if (dots != 2 || digits == 0 || line[start + 1] != '.')
      {
        return "";
      }
      return line.substr(start, i - start);
    }

    bool IsMailboxFull(long code, const std::string& line)
    {
      if (code != 452 && code != 552)
      {
        return false;
      }
      const std::string enhanced = ParseEnhancedCode(line);
      return enhanced == "4.2.2" || enhanced == "5.2.2";
    }

    TransportError::Nature Classify(long code, const std::string& line)
    {
      if (IsMailboxFull(code, line))
      {
        return TransportError::Nature::Temporary;
      }
      return code >= 500 ? TransportError::Nature::Permanent : TransportError::Nature::Temporary;
    }
  }
}
