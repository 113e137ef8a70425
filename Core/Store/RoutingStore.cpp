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

  void RoutingStore::MarkSent(const std::string& ruleName, const std::string& partner,
                              const std::string& studyUid, const std::vector<std::string>& instanceIds,
                              const std::string& setId)
  {
    if (partner.empty() || studyUid.empty())
    {
      throw Error(ErrorKind::BadInput, "Routing records need a partner and a study");
    }
    const std::string now = UtcTime::Now();

    Transaction transaction(db_);
    Statement insert(db_,
      "INSERT INTO routing_sent (rule, partner, study_uid, instance_id, sent_at, set_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
      "ON CONFLICT (partner, study_uid, instance_id) DO UPDATE "
      "SET rule = excluded.rule, sent_at = excluded.sent_at, set_id = excluded.set_id "
      "WHERE " + TransferOf("routing_sent.set_id", OutboxStates::IsResendable));
    for (const std::string& instanceId : instanceIds)
    {
      insert.Reset();
      insert.BindText(1, ruleName).BindText(2, partner).BindText(3, studyUid)
        .BindText(4, instanceId).BindText(5, now).BindText(6, setId);
      insert.Run();
    }
    transaction.Commit();
  }

  std::set<std::string> RoutingStore::GetSentInstances(const std::string& partner, const std::string& studyUid)
  {
    Statement select(db_, "SELECT instance_id FROM routing_sent WHERE partner = ? AND study_uid = ? "
                           "AND NOT " + TransferOf("routing_sent.set_id", OutboxStates::IsResendable));
    select.BindText(1, partner).BindText(2, studyUid);
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
