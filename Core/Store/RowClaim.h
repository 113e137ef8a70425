// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/SqlDialect.h"
#include "Core/Store/Statement.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // Who claims work in the shared records, and for how long (#18). Times in
  // seconds since the epoch, by the claiming node's clock: the nodes of a
  // site keep their clocks in step (NTP), and leases are far longer than
  // their drift.
  struct ClaimTerms
  {
    std::string node;    // the claiming node's name
    int64_t now = 0;
    int64_t until = 0;   // the claim lapses then: a node that died leaves its work to the others

    static ClaimTerms For(const std::string& node, int64_t now, int64_t leaseSeconds)
    {
      ClaimTerms terms;
      terms.node = node;
      terms.now = now;
      terms.until = now + leaseSeconds;
      return terms;
    }
  };

  // The one statement by which a node takes due rows of a queue for itself,
  // so that each row is worked by one node of the site at a time: an UPDATE
  // of the rows a sub-SELECT picks (on PostgreSQL FOR UPDATE SKIP LOCKED,
  // see SqlDialect::SkipLocked), RETURNING what the claimer needs to work
  // them. A row is free when its claim lapsed (claimed_until <= now).
  namespace RowClaim
  {
    struct Query
    {
      std::string table;          // the rows claimed: has claimed_by and claimed_until
      std::string key = "id";     // its unique key ("rowid" where it has none)
      std::string from;           // FROM of the pick: "table" as "c", joined to what "due" needs
      std::string due;            // the pick's condition on top of being free; parameters from ?5
      std::string order;          // ORDER BY of the pick
      std::string returning;      // columns of the claimed rows (in no particular order)
      std::string alsoSet;        // further assignments of the UPDATE, "" for none
      // A queue worker that sends row by row takes its own earlier claims
      // again (e.g. left by a pass that stopped for a failing server); a
      // claim that only starts the work elsewhere (a job) must lapse first.
      bool reclaimOwn = false;
    };

    // A retry queue's rows, oldest (lowest id) first, that its worker sends
    // one by one: "due" as above, "returning" its columns.
    Query Queue(const std::string& table, const std::string& due, const std::string& returning);

    // RETURNING keeps no order: back to the queue's, by id.
    template <typename Row>
    void SortById(std::vector<Row>& rows)
    {
      std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.id < b.id; });
    }

    // Parameters ?1 node, ?2 until, ?3 now, ?4 limit.
    std::string Sql(const SqlDialect& dialect, const Query& query);

    // Binds ?1 to ?4; returns 5, the number of the first parameter of "due".
    int Bind(Statement& statement, const ClaimTerms& terms, unsigned int limit);
  }
}
