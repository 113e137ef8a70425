// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/ClusterStore.h"

#include "Core/Mime/MimeIdentifiers.h"
#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"

namespace DicomMail
{
  ClusterStore::ClusterStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  void ClusterStore::Heartbeat(const NodeIdentity& node, int64_t nowMs)
  {
    Statement upsert(db_, "INSERT INTO cluster_nodes (name, incarnation, started_ms, heartbeat_ms) "
                          "VALUES (?1, ?2, ?3, ?3) ON CONFLICT (name) DO UPDATE SET "
                          "started_ms = CASE WHEN cluster_nodes.incarnation = excluded.incarnation "
                          "THEN cluster_nodes.started_ms ELSE excluded.started_ms END, "
                          "incarnation = excluded.incarnation, heartbeat_ms = excluded.heartbeat_ms");
    upsert.BindText(1, node.name).BindText(2, node.incarnation).BindInt64(3, nowMs);
    upsert.Run();
  }

  void ClusterStore::Leave(const NodeIdentity& node)
  {
    Statement remove(db_, "DELETE FROM cluster_nodes WHERE name = ? AND incarnation = ?");
    remove.BindText(1, node.name).BindText(2, node.incarnation);
    remove.Run();
  }

  std::vector<ClusterNodeRecord> ClusterStore::ListNodes()
  {
    Statement select(db_, "SELECT name, incarnation, started_ms, heartbeat_ms FROM cluster_nodes ORDER BY name");
    std::vector<ClusterNodeRecord> nodes;
    while (select.Step())
    {
      ClusterNodeRecord n;
      n.name = select.ColumnText(0);
      n.incarnation = select.ColumnText(1);
      n.startedMs = select.ColumnInt64(2);
      n.heartbeatMs = select.ColumnInt64(3);
      nodes.push_back(n);
    }
    return nodes;
  }

  void ClusterStore::SetHolder(const std::string& mailbox, const NodeIdentity& node, int64_t nowMs)
  {
    Statement upsert(db_, "INSERT INTO mailbox_holders (mailbox, node, incarnation, since_ms) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT (mailbox) DO UPDATE SET node = excluded.node, "
                          "incarnation = excluded.incarnation, since_ms = excluded.since_ms");
    upsert.BindText(1, mailbox).BindText(2, node.name).BindText(3, node.incarnation).BindInt64(4, nowMs);
    upsert.Run();
  }

  void ClusterStore::ClearHolder(const std::string& mailbox, const NodeIdentity& node)
  {
    Statement remove(db_, "DELETE FROM mailbox_holders WHERE mailbox = ? AND incarnation = ?");
    remove.BindText(1, mailbox).BindText(2, node.incarnation);
    remove.Run();
  }

  std::vector<MailboxHolderRecord> ClusterStore::ListHolders()
  {
    Statement select(db_, "SELECT mailbox, node, incarnation, since_ms FROM mailbox_holders ORDER BY mailbox");
    std::vector<MailboxHolderRecord> holders;
    while (select.Step())
    {
      MailboxHolderRecord h;
      h.mailbox = select.ColumnText(0);
      h.node = select.ColumnText(1);
      h.incarnation = select.ColumnText(2);
      h.sinceMs = select.ColumnInt64(3);
      holders.push_back(h);
    }
    return holders;
  }

  std::string ClusterStore::SharedClaimOwner()
  {
    // Two nodes starting at once: the first insert wins, both read it.
    Statement insert(db_, "INSERT INTO cluster_identity (id, claim_owner) VALUES (1, ?) "
                          "ON CONFLICT (id) DO NOTHING");
    insert.BindText(1, MimeIdentifiers::RandomHex(8));
    insert.Run();
    insert.Finalize();
    Statement select(db_, "SELECT claim_owner FROM cluster_identity WHERE id = 1");
    select.Step();
    return select.ColumnText(0);
  }
}
