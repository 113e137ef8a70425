// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/RoutingStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/OutboxStateSql.h"
#include "Core/Store/Statement.h"
#include "Core/Store/Transaction.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/UtcTime.h"

namespace DicomMail
{
  RoutingStore::RoutingStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  namespace
  {
    // A record the rule may write over: its transfer failed for good, or it
    // is a claim that lapsed before its transfer was submitted (parameter
    // "now": the time in seconds since the epoch).
    std::string Replaceable(const std::string& now)
    {
      return "(" + TransferOf("routing_sent.set_id", OutboxStates::IsResendable) +
        " OR (routing_sent.claimed_until > 0 AND routing_sent.claimed_until <= " + now + "))";
    }

    // Inserts or takes over the record of each instance; "claimed" gets
    // those written.
    std::vector<std::string> Record(Database& db, const std::string& ruleName, const std::string& partner,
                                    const std::string& studyUid, const std::vector<std::string>& instanceIds,
                                    const std::string& setId, int64_t claimedUntil)
    {
      if (partner.empty() || studyUid.empty())
      {
        throw Error(ErrorKind::BadInput, "Routing records need a partner and a study");
      }
      const std::string now = UtcTime::Now();
      Transaction transaction(db);
      Statement insert(db,
        "INSERT INTO routing_sent (rule, partner, study_uid, instance_id, sent_at, set_id, claimed_until) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT (partner, study_uid, instance_id) DO UPDATE "
        "SET rule = excluded.rule, sent_at = excluded.sent_at, set_id = excluded.set_id, "
        "claimed_until = excluded.claimed_until WHERE " + Replaceable("?8") + " RETURNING instance_id");
      std::vector<std::string> written;
      for (const std::string& instanceId : instanceIds)
      {
        insert.Reset();
        insert.BindText(1, ruleName).BindText(2, partner).BindText(3, studyUid)
          .BindText(4, instanceId).BindText(5, now).BindText(6, setId).BindInt64(7, claimedUntil)
          .BindInt64(8, UtcTime::ToUnix(now));
        if (insert.Step())
        {
          written.push_back(instanceId);
        }
        insert.Run();   // let the statement finish
      }
      transaction.Commit();
      return written;
    }
  }

  void RoutingStore::MarkSent(const std::string& ruleName, const std::string& partner,
                              const std::string& studyUid, const std::vector<std::string>& instanceIds,
                              const std::string& setId)
  {
    Record(db_, ruleName, partner, studyUid, instanceIds, setId, 0);
  }

  std::vector<std::string> RoutingStore::Claim(const std::string& ruleName, const std::string& partner,
                                               const std::string& studyUid,
                                               const std::vector<std::string>& instanceIds,
                                               const std::string& setId, const ClaimTerms& terms)
  {
    if (setId.empty())
    {
      throw Error(ErrorKind::BadInput, "A routing claim needs the transfer's set id");
    }
    return Record(db_, ruleName, partner, studyUid, instanceIds, setId, terms.until);
  }

  void RoutingStore::ConfirmClaim(const std::string& setId)
  {
    Statement confirm(db_, "UPDATE routing_sent SET claimed_until = 0 WHERE set_id = ?");
    confirm.BindText(1, setId);
    confirm.Run();
  }

  void RoutingStore::ReleaseClaim(const std::string& setId)
  {
    Statement release(db_, "DELETE FROM routing_sent WHERE set_id = ? AND claimed_until > 0");
    release.BindText(1, setId);
    release.Run();
  }

  std::set<std::string> RoutingStore::GetSentInstances(const std::string& partner, const std::string& studyUid)
  {
    Statement select(db_, "SELECT instance_id FROM routing_sent WHERE partner = ?1 AND study_uid = ?2 "
                           "AND NOT " + Replaceable("?3"));
    select.BindText(1, partner).BindText(2, studyUid).BindInt64(3, UtcTime::ToUnix(UtcTime::Now()));
    std::set<std::string> result;
    while (select.Step())
    {
      result.insert(select.ColumnText(0));
    }
    return result;
  }

  void RoutingStore::RecordReceived(const std::string& studyUid, const std::string& partner)
  {
    if (partner.empty() || studyUid.empty())
    {
      throw Error(ErrorKind::BadInput, "Routing records need a partner and a study");
    }
    Statement upsert(db_,
      "INSERT INTO routing_received (study_uid, partner, received_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (study_uid, partner) DO UPDATE SET received_at = ?3");
    upsert.BindText(1, studyUid).BindText(2, partner).BindText(3, UtcTime::Now());
    upsert.Run();
  }

  std::string RoutingStore::ReceivedFrom(const std::string& studyUid)
  {
    // rowid breaks ties within one second; an upsert keeps the row's rowid,
    // so a repeated arrival counts by its time only.
    Statement select(db_,
      "SELECT partner FROM routing_received WHERE study_uid = ? "
      "ORDER BY received_at DESC, rowid DESC LIMIT 1");
    select.BindText(1, studyUid);
    return select.Step() ? select.ColumnText(0) : std::string();
  }

  std::set<std::string> RoutingStore::GetSenders(const std::string& studyUid)
  {
    Statement select(db_, "SELECT partner FROM routing_received WHERE study_uid = ?");
    select.BindText(1, studyUid);
    std::set<std::string> result;
    while (select.Step())
    {
      result.insert(select.ColumnText(0));
    }
    return result;
  }

  bool RoutingStore::WasReceivedFrom(const std::string& studyUid, const std::string& partner)
  {
    Statement select(db_, "SELECT 1 FROM routing_received WHERE study_uid = ? AND partner = ?");
    select.BindText(1, studyUid).BindText(2, partner);
    return select.Step();
  }
}
