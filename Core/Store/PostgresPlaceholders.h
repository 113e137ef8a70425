// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace DicomMail
{
  // The stores write parameters as SQLite does: "?N" for parameter N, and
  // "?" for the one after the highest so far. PostgreSQL wants "$N". Quoted
  // strings, quoted identifiers and comments are left as they are.
  struct PostgresSql
  {
    std::string text;
    int parameters = 0;  // the highest parameter number
    std::vector<bool> used;  // [N - 1]: whether "?N" occurs (SQLite allows gaps)
  };

  PostgresSql TranslatePlaceholders(const std::string& sqliteSql);
}
