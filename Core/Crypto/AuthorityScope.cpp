// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/AuthorityScope.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  namespace AuthorityScope
  {
    namespace
    {
      std::string Lower(const std::string& s)
      {
        std::string result(s);
        for (char& c : result)
        {
          if (c >= 'A' && c <= 'Z')
          {
            c = static_cast<char>(c - 'A' + 'a');
          }
        }
        return result;
      }

      bool IsLabelCharacter(char c)
      {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      }

      // Letters, digits and hyphens in dot-separated labels, no empty label.
      bool IsDomain(const std::string& domain)
      {
        if (domain.empty() || domain.size() > 253)
        {
          return false;
        }
        size_t label = 0;
        for (char c : domain)
        {
          if (c == '.')
          {
            if (label == 0)
            {
              return false;
            }
            label = 0;
          }
          else if (IsLabelCharacter(c) && ++label <= 63)
          {
          }
          else
          {
            return false;
          }
        }
        return label != 0;
      }

      bool EndsWith(const std::string& s, const std::string& tail)
      {
        return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
      }
    }

    std::string NormalizeDomain(const std::string& text)
    {
      std::string domain = Lower(text);
      if (domain.empty() || domain == "*" || domain == "*@*")
      {
        return "";
      }
      if (domain.compare(0, 2, "*@") == 0)
      {
        domain = domain.substr(2);
      }
      else if (domain[0] == '@')
      {
        domain = domain.substr(1);
      }
      if (!IsDomain(domain))
      {
        throw Error(ErrorKind::BadInput, "\"" + text.substr(0, 100) + "\" is not a mail domain (e.g. "
                    "\"*@example-network.de\"; ASCII only, an international domain in its xn-- form)");
      }
      return domain;
    }

    bool Covers(const std::string& domain, const std::string& address)
    {
      if (domain.empty())
      {
        return true;
      }
      const size_t at = address.rfind('@');
      if (at == std::string::npos || at == 0)
      {
        return false;
      }
      const std::string addressDomain = Lower(address.substr(at + 1));
      return addressDomain == domain || EndsWith(addressDomain, "." + domain);
    }

    bool DomainFromRegexp(const std::string& regexp, std::string& domain)
    {
      static const std::string head = "<[^>]+[@.]";
      static const std::string tail = ">$";
      if (regexp.empty())
      {
        domain.clear();
        return true;
      }
      if (regexp.size() <= head.size() + tail.size() || regexp.compare(0, head.size(), head) != 0 ||
          !EndsWith(regexp, tail))
      {
        return false;
      }
      // gpg escapes every character but letters and digits with a backslash.
      std::string result;
      const std::string body = regexp.substr(head.size(), regexp.size() - head.size() - tail.size());
      for (size_t i = 0; i < body.size(); i++)
      {
        if (body[i] == '\\' && i + 1 < body.size())
        {
          i++;
        }
        result += body[i];
      }
      result = Lower(result);
      if (!IsDomain(result))
      {
        return false;
      }
      domain = result;
      return true;
    }
  }
}
