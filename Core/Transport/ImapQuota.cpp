// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transport/ImapQuota.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

namespace DicomMail
{
  namespace
  {
    std::string Upper(std::string s)
    {
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
      return s;
    }

    std::vector<std::string> UntaggedLines(const std::string& text, const std::string& name)
    {
      std::vector<std::string> result;
      std::istringstream stream(text);
      std::string line;
      const std::string prefix = "* " + name + " ";
      while (std::getline(stream, line))
      {
        if (!line.empty() && line.back() == '\r')
        {
          line.pop_back();
        }
        if (Upper(line.substr(0, prefix.size())) == prefix)
        {
          result.push_back(line.substr(prefix.size()));
        }
      }
      return result;
    }

    // A quoted string or an atom at "pos"; moves "pos" past it.
    bool ReadAstring(const std::string& s, size_t& pos, std::string& value)
    {
      value.clear();
      if (pos < s.size() && s[pos] == '"')
      {
        for (pos++; pos < s.size(); pos++)
        {
          if (s[pos] == '\\' && pos + 1 < s.size())
          {
            value += s[++pos];
          }
          else if (s[pos] == '"')
          {
            pos++;
            return true;
          }
          else
          {
            value += s[pos];
          }
        }
        return false;
      }
      while (pos < s.size() && s[pos] != ' ' && s[pos] != '(')
      {
        value += s[pos++];
      }
      return true;   // an empty atom is the empty root some servers use
    }

    bool ReadNumber(std::istringstream& in, uint64_t& value)
    {
      std::string word;
      if (!(in >> word) || word.empty() || word.size() > 19 ||
          !std::all_of(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
      {
        return false;
      }
      value = std::stoull(word);
      return true;
    }
  }

  unsigned int ImapQuota::Percent() const
  {
    if (!known || limitBytes == 0)
    {
      return 0;
    }
    return static_cast<unsigned int>(std::min(100.0 * static_cast<double>(usedBytes) / static_cast<double>(limitBytes),
                                              100000.0));
  }

  namespace ImapQuotaReply
  {
    bool HasCapability(const std::string& text, const std::string& capability)
    {
      const std::string wanted = Upper(capability);
      for (const std::string& line : UntaggedLines(text, "CAPABILITY"))
      {
        std::istringstream words(Upper(line));
        std::string word;
        while (words >> word)
        {
          if (word == wanted)
          {
            return true;
          }
        }
      }
      return false;
    }

    ImapQuota Parse(const std::string& text)
    {
      ImapQuota fullest;
      for (const std::string& line : UntaggedLines(text, "QUOTA"))
      {
        size_t pos = 0;
        ImapQuota quota;
        if (!ReadAstring(line, pos, quota.root))
        {
          continue;
        }
        const size_t open = line.find('(', pos);
        const size_t close = line.find(')', pos);
        if (open == std::string::npos || close == std::string::npos || close < open)
        {
          continue;
        }
        std::istringstream resources(Upper(line.substr(open + 1, close - open - 1)));
        std::string name;
        while (resources >> name)
        {
          uint64_t used = 0;
          uint64_t limit = 0;
          if (!ReadNumber(resources, used) || !ReadNumber(resources, limit))
          {
            break;
          }
          if (name == "STORAGE" && limit > 0)
          {
            quota.known = true;
            quota.usedBytes = used * 1024;
            quota.limitBytes = limit * 1024;
          }
        }
        if (quota.known && (!fullest.known ||
                            quota.usedBytes * static_cast<double>(fullest.limitBytes) >
                            fullest.usedBytes * static_cast<double>(quota.limitBytes)))
        {
          fullest = quota;
        }
      }
      return fullest;
    }
  }
}
