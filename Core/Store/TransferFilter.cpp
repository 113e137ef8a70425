// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/TransferFilter.h"

#include "Core/Store/Statement.h"
#include "Core/Store/UtcTime.h"

namespace DicomMail
{
  namespace
  {
    void Add(std::string& sql, const std::string& condition)
    {
      sql += sql.empty() ? " WHERE " : " AND ";
      sql += condition;
    }
  }

  TransferFilterClause::TransferFilterClause(const TransferFilter& filter, const std::string& timeColumn) :
    filter_(filter)
  {
    UtcTime::Check(filter.from, "from", true);
    UtcTime::Check(filter.to, "to", true);
    if (!filter.partner.empty())
    {
      Add(sql_, "partner = ?");
    }
    if (!filter.state.empty())
    {
      Add(sql_, "state = ?");
    }
    if (!filter.from.empty())
    {
      Add(sql_, timeColumn + " >= ?");
    }
    if (!filter.to.empty())
    {
      Add(sql_, timeColumn + " <= ?");
    }
    if (!filter.setIdPrefix.empty())
    {
      // A range rather than LIKE, so the primary key's index serves it (set
      // ids are ASCII; U+FFFF sorts after any of their characters).
      Add(sql_, "set_id >= ? AND set_id < ?");
    }
    if (filter.qaTests != TransferFilter::QaTests::Include)
    {
      Add(sql_, filter.qaTests == TransferFilter::QaTests::Only ? "qa_test <> 0" : "qa_test = 0");
    }
  }

  int TransferFilterClause::Bind(Statement& statement, int first) const
  {
    int i = first;
    for (const std::string* value : { &filter_.partner, &filter_.state, &filter_.from, &filter_.to })
    {
      if (!value->empty())
      {
        statement.BindText(i++, *value);
      }
    }
    if (!filter_.setIdPrefix.empty())
    {
      statement.BindText(i++, filter_.setIdPrefix);
      statement.BindText(i++, filter_.setIdPrefix + "\xEF\xBF\xBF");
    }
    return i;
  }
}
