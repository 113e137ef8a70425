// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/MailClaimStore.h"

#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/Transaction.h"

namespace DicomMail
{
  namespace
  {
    // Whether the claim's incarnation still beats (?N: the oldest live heartbeat).
    std::string ClaimantIsLive(const std::string& since)
    {
      return "EXISTS (SELECT 1 FROM cluster_nodes n WHERE n.name = mail_claims.node AND "
             "n.incarnation = mail_claims.incarnation AND n.heartbeat_ms >= " + since + ")";
    }
  }

  MailClaimStore::MailClaimStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  bool MailClaimStore::Claim(const std::string& mailbox, const std::string& mailKey, const NodeIdentity& node,
                             int64_t nowMs, int64_t liveSinceMs)
  {
    // One writing transaction (the database's write lock on either engine):
    // of two nodes claiming at once, the second sees the first's claim.
    Transaction transaction(db_);
    Statement insert(db_, "INSERT INTO mail_claims (mailbox, mail_key, node, incarnation, claimed_ms) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (mailbox, mail_key) DO NOTHING RETURNING mail_key");
    insert.BindText(1, mailbox).BindText(2, mailKey).BindText(3, node.name).BindText(4, node.incarnation)
      .BindInt64(5, nowMs);
    bool ours = insert.Step();
    insert.Finalize();
    if (!ours)
    {
      Statement takeOver(db_, "UPDATE mail_claims SET node = ?3, incarnation = ?4, claimed_ms = ?5 "
                              "WHERE mailbox = ?1 AND mail_key = ?2 AND (incarnation = ?4 OR NOT " +
                              ClaimantIsLive("?6") + ")");
      takeOver.BindText(1, mailbox).BindText(2, mailKey).BindText(3, node.name).BindText(4, node.incarnation)
        .BindInt64(5, nowMs).BindInt64(6, liveSinceMs);
      ours = takeOver.Run() > 0;
    }
    transaction.Commit();
    return ours;
  }

  void MailClaimStore::Release(const std::string& mailbox, const std::string& mailKey, const NodeIdentity& node)
  {
    Statement remove(db_, "DELETE FROM mail_claims WHERE mailbox = ? AND mail_key = ? AND incarnation = ?");
    remove.BindText(1, mailbox).BindText(2, mailKey).BindText(3, node.incarnation);
    remove.Run();
  }

  unsigned int MailClaimStore::ForgetAbandoned(int64_t beforeMs, int64_t liveSinceMs)
  {
    Statement remove(db_, "DELETE FROM mail_claims WHERE claimed_ms < ?1 AND NOT " + ClaimantIsLive("?2"));
    remove.BindInt64(1, beforeMs).BindInt64(2, liveSinceMs);
    return static_cast<unsigned int>(remove.Run());
  }
}
