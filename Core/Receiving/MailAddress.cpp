// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/MailAddress.h"

#include <cctype>

namespace DicomMail
{
  namespace MailAddress
  {
    namespace
    {
      bool IsPlausible(const std::string& address)
      {
        const size_t at = address.rfind('@');
        if (address.empty() || address.size() > 254 || at == std::string::npos || at == 0 ||
            at + 1 == address.size())
        {
          return false;
        }
        for (char c : address)
        {
          const unsigned char u = static_cast<unsigned char>(c);
          if (u <= 32 || u >= 127 || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
              c == ';' || c == '"' || c == '\\')
          {
            return false;
          }
        }
        return true;
      }

      std::string Lower(std::string s)
      {
        for (char& c : s)
        {
          c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
        }
        return s;
      }

      // Removes quoted strings and comments, which may contain '<', '@' or ','.
      std::string StripQuotesAndComments(const std::string& value)
      {
        std::string result;
        bool quoted = false;
        int comment = 0;
        for (size_t i = 0; i < value.size(); i++)
        {
          const char c = value[i];
          if ((quoted || comment > 0) && c == '\\')
          {
            i++;
            continue;
          }
          if (comment == 0 && c == '"')
          {
            quoted = !quoted;
            result += ' ';
            continue;
          }
          if (!quoted && c == '(')
          {
            comment++;
            continue;
          }
          if (!quoted && comment > 0 && c == ')')
          {
            comment--;
            if (comment == 0)
            {
              result += ' ';
            }
            continue;
          }
          if (!quoted && comment == 0)
          {
            result += c;
          }
        }
        return result;
      }

      std::string Trim(const std::string& s)
      {
        const size_t first = s.find_first_not_of(" \t");
        if (first == std::string::npos)
        {
          return "";
        }
        const size_t last = s.find_last_not_of(" \t");
        return s.substr(first, last - first + 1);
      }
    }

    std::string Extract(const std::string& headerValue)
    {
      const std::string plain = StripQuotesAndComments(headerValue);
      const size_t open = plain.find('<');
      std::string candidate;
      if (open != std::string::npos)
      {
        const size_t close = plain.find('>', open);
        if (close == std::string::npos)
        {
          return "";
        }
        candidate = Trim(plain.substr(open + 1, close - open - 1));
      }
      else
      {
        candidate = Trim(plain.substr(0, plain.find(',')));
      }
      return IsPlausible(candidate) ? Lower(candidate) : "";
    }
  }
}
