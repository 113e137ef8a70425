// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/PostgresPlaceholders.h"

#include "Core/Common/Error.h"

#include <algorithm>
#include <cctype>

namespace DicomMail
{
  namespace
  {
    // Copies a quoted run ('...' or "...", the quote doubled inside) and
    // returns the position after it.
    size_t CopyQuoted(const std::string& sql, size_t i, std::string& out)
    {
      const char quote = sql[i];
      out += sql[i++];
      while (i < sql.size())
      {
        out += sql[i];
        if (sql[i] == quote)
        {
          if (i + 1 < sql.size() && sql[i + 1] == quote)
          {
            out += sql[++i];
          }
          else
          {
            return i + 1;
          }
        }
        i++;
      }
      return i;
    }
  }

  PostgresSql TranslatePlaceholders(const std::string& sql)
  {
    PostgresSql result;
    result.text.reserve(sql.size() + 8);
    size_t i = 0;
    while (i < sql.size())
    {
      const char c = sql[i];
      if (c == '\'' || c == '"')
      {
        i = CopyQuoted(sql, i, result.text);
      }
      else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-')
      {
        const size_t end = std::min(sql.find('\n', i), sql.size());
        result.text.append(sql, i, end - i);
        i = end;
      }
      else if (c == '?')
      {
        size_t end = i + 1;
        while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end])))
        {
          end++;
        }
        int number = result.parameters + 1;
        if (end > i + 1)
        {
          if (end - i - 1 > 4)
          {
            throw Error(ErrorKind::Internal, "Parameter number too large in \"" + sql + "\"");
          }
          number = std::stoi(sql.substr(i + 1, end - i - 1));
        }
        result.parameters = std::max(result.parameters, number);
        if (result.used.size() < static_cast<size_t>(number))
        {
          result.used.resize(static_cast<size_t>(number), false);
        }
        result.used[static_cast<size_t>(number - 1)] = true;
        result.text += "$" + std::to_string(number);
        i = end;
      }
      else
      {
        result.text += c;
        i++;
      }
    }
    return result;
  }
}
