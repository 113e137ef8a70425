// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/RowClaim.h"

namespace DicomMail
{
  namespace RowClaim
  {
    std::string Sql(const SqlDialect& dialect, const Query& query)
    {
      const std::string free = query.reclaimOwn ? "(c.claimed_until <= ?3 OR c.claimed_by = ?1)" :
        "c.claimed_until <= ?3";
      return "UPDATE " + query.table + " SET claimed_by = ?1, claimed_until = ?2" +
        (query.alsoSet.empty() ? "" : ", " + query.alsoSet) +
        " WHERE " + query.key + " IN (SELECT c." + query.key + " FROM " + query.from +
        " WHERE " + free + " AND (" + query.due + ") ORDER BY " + query.order + " LIMIT ?4" +
        dialect.SkipLocked("c") + ") RETURNING " + query.returning;
    }

    Query Queue(const std::string& table, const std::string& due, const std::string& returning)
    {
      Query query;
      query.table = table;
      query.from = table + " c";
      query.due = due;
      query.order = "c.id";
      query.returning = returning;
      query.reclaimOwn = true;
      return query;
    }

    int Bind(Statement& statement, const ClaimTerms& terms, unsigned int limit)
    {
      statement.BindText(1, terms.node).BindInt64(2, terms.until).BindInt64(3, terms.now).BindInt64(4, limit);
      return 5;
    }
  }
}
