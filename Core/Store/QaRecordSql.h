// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"
#include "Core/Store/Statement.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // The queries the QA records (daily tests, monthly measurements) share:
  // both are keyed by set_id and listed per partner by started_ms.
  namespace QaRecordSql
  {
    template <typename Row, typename Reader>
    std::vector<Row> ReadAll(Statement& select, Reader read)
    {
      std::vector<Row> rows;
      while (select.Step())
      {
        rows.push_back(read(select));
      }
      return rows;
    }

    template <typename Row, typename Reader>
    bool GetBySetId(Database& db, const std::string& columns, const std::string& table,
                    const std::string& setId, Row& out, Reader read)
    {
      Statement select(db, "SELECT " + columns + " FROM " + table + " WHERE set_id = ?");
      select.BindText(1, setId);
      if (!select.Step())
      {
        return false;
      }
      out = read(select);
      return true;
    }

    // Newest first; "partner" "" for all.
    template <typename Row, typename Reader>
    std::vector<Row> ListNewest(Database& db, const std::string& columns, const std::string& table,
                                const std::string& partner, unsigned int limit, Reader read)
    {
      Statement select(db, "SELECT " + columns + " FROM " + table + " " +
                             (partner.empty() ? "" : "WHERE partner = ?2 ") +
                             "ORDER BY started_ms DESC, rowid DESC LIMIT ?1");
      select.BindInt64(1, limit);
      if (!partner.empty())
      {
        select.BindText(2, partner);
      }
      return ReadAll<Row>(select, read);
    }
  }
}
