// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/InboxStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/Statement.h"
#include "Core/Store/Transaction.h"
#include "Core/Store/StateSql.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/UtcTime.h"
#include "Core/Transfer/StateText.h"

#include <algorithm>
#include <vector>

namespace DicomMail
{
  namespace
  {
    const char kTransferColumns[] =
      "set_id, partner, sender_address, signer_fingerprint, mails_expected, mails_received, "
      "instances_imported, instances_failed, instances_already_stored, first_received, "
      "completed_at, sender_date, last_import_at, bytes, state, reasons, qa_test, completed_ms";

    // Without "id": inserts leave it to the database.
    const char kNewMailColumns[] =
      "set_id, part, total, message_id, account, mailbox_uid, state, reason, received_at, "
      "processed_at, disposition, bytes, stored_path, mdn_sent, from_name, claimed_set_id, acknowledgement, found_in";
    const std::string kMailColumns = std::string("id, ") + kNewMailColumns;

    const char kFragmentColumns[] =
      "partial_id, number, total, account, server_id, set_id, set_part, received_at, path, message_id, bytes";

    unsigned int ColumnCount(Statement& row, int column)
    {
      return static_cast<unsigned int>(row.ColumnUint64(column));
    }

    InboxTransfer ReadTransfer(Statement& row)
    {
      InboxTransfer t;
      t.setId = row.ColumnText(0);
      t.partner = row.ColumnText(1);
      t.senderAddress = row.ColumnText(2);
      t.signerFingerprint = row.ColumnText(3);
      t.mailsExpected = ColumnCount(row, 4);
      t.mailsReceived = ColumnCount(row, 5);
      t.instancesImported = ColumnCount(row, 6);
      t.instancesFailed = ColumnCount(row, 7);
      t.instancesAlreadyStored = ColumnCount(row, 8);
      t.firstReceived = row.ColumnText(9);
      t.completedAt = row.ColumnText(10);
      t.senderDate = row.ColumnText(11);
      t.lastImportAt = row.ColumnText(12);
      t.bytes = row.ColumnUint64(13);
      t.state = ParseInboxTransferState(row.ColumnText(14));
      t.reasons = row.ColumnStringList(15);
      t.qaTest = row.ColumnBool(16);
      t.completedMs = row.ColumnInt64(17);
      return t;
    }

    InboxMail ReadMail(Statement& row)
    {
      InboxMail m;
      m.id = row.ColumnInt64(0);
      m.setId = row.ColumnText(1);
      m.part = ColumnCount(row, 2);
      m.total = ColumnCount(row, 3);
      m.messageId = row.ColumnText(4);
      m.account = row.ColumnText(5);
      m.mailboxUid = row.ColumnText(6);
      m.state = ParseInboxMailState(row.ColumnText(7));
      m.reason = row.ColumnText(8);
      m.receivedAt = row.ColumnText(9);
      m.processedAt = row.ColumnText(10);
      m.disposition = row.ColumnText(11);
      m.bytes = row.ColumnUint64(12);
      m.storedPath = row.ColumnText(13);
      m.mdnSent = row.ColumnBool(14);
      m.fromName = row.ColumnText(15);
      m.claimedSetId = row.ColumnText(16);
      m.acknowledgement = row.ColumnBool(17);
      m.foundIn = row.ColumnText(18);
      return m;
    }

    FragmentRecord ReadFragment(Statement& row)
    {
      FragmentRecord f;
      f.partialId = row.ColumnText(0);
      f.number = ColumnCount(row, 1);
      f.total = ColumnCount(row, 2);
      f.account = row.ColumnText(3);
      f.serverId = row.ColumnText(4);
      f.setId = row.ColumnText(5);
      f.setPart = ColumnCount(row, 6);
      f.receivedAt = row.ColumnText(7);
      f.path = row.ColumnText(8);
      f.messageId = row.ColumnText(9);
      f.bytes = row.ColumnUint64(10);
      return f;
    }

    // Parameter order follows kMailColumns; ?1 (id) is bound by the caller.
    void BindMailFields(Statement& s, const InboxMail& m)
    {
      s.BindText(2, m.setId)
        .BindInt64(3, m.part)
        .BindInt64(4, m.total)
        .BindText(5, m.messageId)
        .BindText(6, m.account)
        .BindText(7, m.mailboxUid)
        .BindText(8, ToString(m.state))
        .BindText(9, m.reason)
        .BindText(10, m.receivedAt)
        .BindText(11, m.processedAt)
        .BindText(12, m.disposition)
        .BindUint64(13, m.bytes)
        .BindText(14, m.storedPath)
        .BindBool(15, m.mdnSent)
        .BindText(16, m.fromName)
        .BindText(17, m.claimedSetId)
        .BindBool(18, m.acknowledgement)
        .BindText(19, m.foundIn);
    }

    void CheckMail(const InboxMail& m)
    {
      UtcTime::Check(m.receivedAt, "reception time of a mail", true);
      UtcTime::Check(m.processedAt, "processing time of a mail", true);
    }
  }

  InboxStore::InboxStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  // ---- Transfers ------------------------------------------------------------

  void InboxStore::PutTransfer(const InboxTransfer& transfer)
  {
    if (transfer.setId.empty())
    {
      throw Error(ErrorKind::BadInput, "A transfer needs a set id");
    }
    UtcTime::Check(transfer.firstReceived, "first reception time of transfer " + transfer.setId, true);
    UtcTime::Check(transfer.completedAt, "completion time of transfer " + transfer.setId, true);
    UtcTime::Check(transfer.senderDate, "sender date of transfer " + transfer.setId, true);
    UtcTime::Check(transfer.lastImportAt, "last import time of transfer " + transfer.setId, true);

    // An UPSERT rather than INSERT OR REPLACE: the row keeps its rowid, which
    // orders transfers received within the same second.
    Statement upsert(db_, std::string("INSERT INTO inbox_transfers (") + kTransferColumns +
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) "
      "ON CONFLICT (set_id) DO UPDATE SET partner = ?2, sender_address = ?3, signer_fingerprint = ?4, "
      "mails_expected = ?5, mails_received = ?6, instances_imported = ?7, instances_failed = ?8, "
      "instances_already_stored = ?9, first_received = ?10, completed_at = ?11, sender_date = ?12, "
      "last_import_at = ?13, bytes = ?14, state = ?15, reasons = ?16, qa_test = ?17, completed_ms = ?18");
    upsert.BindText(1, transfer.setId)
      .BindText(2, transfer.partner)
      .BindText(3, transfer.senderAddress)
      .BindText(4, transfer.signerFingerprint)
      .BindInt64(5, transfer.mailsExpected)
      .BindInt64(6, transfer.mailsReceived)
      .BindInt64(7, transfer.instancesImported)
      .BindInt64(8, transfer.instancesFailed)
      .BindInt64(9, transfer.instancesAlreadyStored)
      .BindText(10, transfer.firstReceived.empty() ? UtcTime::Now() : transfer.firstReceived)
      .BindText(11, transfer.completedAt)
      .BindText(12, transfer.senderDate)
      .BindText(13, transfer.lastImportAt)
      .BindUint64(14, transfer.bytes)
      .BindText(15, ToString(transfer.state))
      .BindStringList(16, transfer.reasons)
      .BindBool(17, transfer.qaTest)
      .BindInt64(18, transfer.completedMs);
    upsert.Run();
  }

  bool InboxStore::GetTransfer(const std::string& setId, InboxTransfer& out)
  {
    Statement select(db_, std::string("SELECT ") + kTransferColumns +
                           " FROM inbox_transfers WHERE set_id = ?");
    select.BindText(1, setId);
    if (!select.Step())
    {
      return false;
    }
    out = ReadTransfer(select);
    return true;
  }

  std::vector<InboxTransfer> InboxStore::ListTransfers(unsigned int limit, unsigned int offset,
                                                       const TransferFilter& filter)
  {
    const TransferFilterClause where(filter, "first_received");
    Statement select(db_, std::string("SELECT ") + kTransferColumns +
                           " FROM inbox_transfers" + where.GetSql() +
                           " ORDER BY first_received DESC, rowid DESC LIMIT ? OFFSET ?");
    const int next = where.Bind(select, 1);
    select.BindInt64(next, limit).BindInt64(next + 1, offset);
    std::vector<InboxTransfer> result;
    while (select.Step())
    {
      result.push_back(ReadTransfer(select));
    }
    return result;
  }

  const std::set<std::string>& InboxStore::GetTransferStates()
  {
    // The words of the one module of states, for checking a filter's value.
    static const std::set<std::string> states = StateText::Words(AllInboxTransferStates());
    return states;
  }

  uint64_t InboxStore::CountTransfers()
  {
    Statement count(db_, "SELECT COUNT(*) FROM inbox_transfers");
    count.Step();
    return count.ColumnUint64(0);
  }

  void InboxStore::RecordStudy(const std::string& setId, const std::string& orthancStudyId)
  {
    Statement insert(db_, "INSERT INTO inbox_studies (set_id, study_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
    insert.BindText(1, setId).BindText(2, orthancStudyId);
    insert.Run();
  }

  std::vector<std::string> InboxStore::ListStudies(const std::string& setId)
  {
    Statement select(db_, "SELECT study_id FROM inbox_studies WHERE set_id = ? ORDER BY study_id");
    select.BindText(1, setId);
    std::vector<std::string> result;
    while (select.Step())
    {
      result.push_back(select.ColumnText(0));
    }
    return result;
  }

  // ---- Mails ----------------------------------------------------------------

  bool InboxStore::HasProcessed(const std::string& setId, unsigned int part)
  {
    Statement select(db_, "SELECT 1 FROM inbox_mails WHERE set_id = ? AND part = ? AND state IN (" +
                           StateSql::List(AllInboxMailStates(), InboxStates::IsImported) + ") LIMIT 1");
    select.BindText(1, setId).BindInt64(2, part);
    return select.Step();
  }

  int64_t InboxStore::RecordMailAndTransfer(const InboxMail& mail, const InboxTransfer* transfer,
                                            const QueuedAcknowledgement* acknowledgement)
  {
    Transaction transaction(db_);
    int64_t id = mail.id;
    if (id == 0)
    {
      id = RecordMail(mail);
    }
    else
    {
      UpdateMail(mail);
    }
    if (transfer != nullptr)
    {
      PutTransfer(*transfer);
    }
    if (acknowledgement != nullptr)
    {
      QueuedAcknowledgement answer = *acknowledgement;
      answer.mailId = id;
      AcknowledgementQueueStore(db_).Add(answer);
    }
    transaction.Commit();
    return id;
  }

  int64_t InboxStore::RecordMail(const InboxMail& mail)
  {
    CheckMail(mail);
    InboxMail record = mail;
    if (record.receivedAt.empty())
    {
      record.receivedAt = UtcTime::Now();
    }
    Statement insert(db_, std::string("INSERT INTO inbox_mails (") + kNewMailColumns +
                           ") VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
                           " ?18, ?19) RETURNING id");
    BindMailFields(insert, record);
    if (!insert.Step())
    {
      throw Error(ErrorKind::Storage, "No id returned for a new mail in database " + db_.GetPath());
    }
    const int64_t id = insert.ColumnInt64(0);
    insert.Run();
    if (record.setId.empty())
    {
      // The oldest beyond the limit go; the index on (set_id, part) finds them.
      Statement prune(db_,
        "DELETE FROM inbox_mails WHERE set_id = '' AND id < "
        "(SELECT id FROM inbox_mails WHERE set_id = '' ORDER BY id DESC LIMIT 1 OFFSET ?1)");
      prune.BindInt64(1, static_cast<int64_t>(unauthenticatedMailLimit_) - 1);
      prune.Run();
    }
    return id;
  }

  void InboxStore::SetUnauthenticatedMailLimit(unsigned int limit)
  {
    unauthenticatedMailLimit_ = std::max(1u, limit);
  }

  void InboxStore::UpdateMail(const InboxMail& mail)
  {
    CheckMail(mail);
    Statement update(db_,
      "UPDATE inbox_mails SET set_id = ?2, part = ?3, total = ?4, message_id = ?5, account = ?6, "
      "mailbox_uid = ?7, state = ?8, reason = ?9, received_at = ?10, processed_at = ?11, "
      "disposition = ?12, bytes = ?13, stored_path = ?14, mdn_sent = ?15, from_name = ?16, "
      "claimed_set_id = ?17, acknowledgement = ?18, found_in = ?19 WHERE id = ?1");
    update.BindInt64(1, mail.id);
    BindMailFields(update, mail);
    if (update.Run() == 0)
    {
      throw Error(ErrorKind::NotFound, "Unknown received mail " + std::to_string(mail.id));
    }
  }

  bool InboxStore::GetMail(int64_t id, InboxMail& out)
  {
    Statement select(db_, std::string("SELECT ") + kMailColumns + " FROM inbox_mails WHERE id = ?");
    select.BindInt64(1, id);
    if (!select.Step())
    {
      return false;
    }
    out = ReadMail(select);
    return true;
  }

  std::vector<InboxMail> InboxStore::ListMails(const std::string& setId)
  {
    Statement select(db_, std::string("SELECT ") + kMailColumns +
                           " FROM inbox_mails WHERE set_id = ? ORDER BY part, id");
    select.BindText(1, setId);
    std::vector<InboxMail> result;
    while (select.Step())
    {
      result.push_back(ReadMail(select));
    }
    return result;
  }

  std::vector<InboxMail> InboxStore::ListQuarantined()
  {
    return ListMailsByState(InboxMailState::Quarantined, 100000);
  }

  std::vector<InboxMail> InboxStore::ListMailsByState(InboxMailState state, unsigned int limit)
  {
    return SelectMails(ToString(state), limit);
  }

  std::vector<InboxMail> InboxStore::ListRecentMails(unsigned int limit)
  {
    return SelectMails("", limit);
  }

  std::vector<InboxMail> InboxStore::SelectMails(const std::string& stateText, unsigned int limit)
  {
    Statement select(db_, std::string("SELECT ") + kMailColumns +
                           " FROM inbox_mails WHERE (?1 = '' OR state = ?1) ORDER BY received_at DESC, id DESC"
                           " LIMIT ?2");
    select.BindText(1, stateText).BindInt64(2, limit);
    std::vector<InboxMail> result;
    while (select.Step())
    {
      result.push_back(ReadMail(select));
    }
    return result;
  }

  // ---- Messages seen on the mail servers --------------------------------------

  void InboxStore::MarkSeen(const std::string& account, const std::string& serverId, const std::string& outcome)
  {
    Statement upsert(db_,
      "INSERT INTO seen_messages (account, server_id, outcome, seen_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (account, server_id) DO UPDATE SET outcome = ?3, seen_at = ?4");
    upsert.BindText(1, account).BindText(2, serverId).BindText(3, outcome).BindText(4, UtcTime::Now());
    upsert.Run();
  }

  bool InboxStore::IsSeen(const std::string& account, const std::string& serverId)
  {
    std::string outcome;
    return GetSeenOutcome(account, serverId, outcome);
  }

  bool InboxStore::GetSeenOutcome(const std::string& account, const std::string& serverId, std::string& outcome)
  {
    Statement select(db_, "SELECT outcome FROM seen_messages WHERE account = ? AND server_id = ?");
    select.BindText(1, account).BindText(2, serverId);
    if (!select.Step())
    {
      return false;
    }
    outcome = select.ColumnText(0);
    return true;
  }

  unsigned int InboxStore::ForgetSeenExcept(const std::string& account, const std::set<std::string>& stillOnServer)
  {
    Transaction transaction(db_);

    std::vector<std::string> gone;
    {
      Statement select(db_, "SELECT server_id FROM seen_messages WHERE account = ?");
      select.BindText(1, account);
      while (select.Step())
      {
        std::string serverId = select.ColumnText(0);
        if (stillOnServer.count(serverId) == 0)
        {
          gone.push_back(std::move(serverId));
        }
      }
    }

    Statement remove(db_, "DELETE FROM seen_messages WHERE account = ? AND server_id = ?");
    for (const std::string& serverId : gone)
    {
      remove.Reset();
      remove.BindText(1, account).BindText(2, serverId);
      remove.Run();
    }

    transaction.Commit();
    return static_cast<unsigned int>(gone.size());
  }

  // ---- message/partial fragments ----------------------------------------------

  bool InboxStore::AddFragment(const FragmentRecord& fragment)
  {
    if (fragment.partialId.empty() || fragment.number == 0 ||
        (fragment.total != 0 && fragment.number > fragment.total))
    {
      throw Error(ErrorKind::BadInput, "Invalid message/partial fragment " + std::to_string(fragment.number) +
                  " of " + std::to_string(fragment.total) + " (id \"" + fragment.partialId + "\")");
    }
    UtcTime::Check(fragment.receivedAt, "reception time of a fragment", true);

    Statement insert(db_, std::string("INSERT INTO fragments (") + kFragmentColumns +
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    insert.BindText(1, fragment.partialId)
      .BindInt64(2, fragment.number)
      .BindInt64(3, fragment.total)
      .BindText(4, fragment.account)
      .BindText(5, fragment.serverId)
      .BindText(6, fragment.setId)
      .BindInt64(7, fragment.setPart)
      .BindText(8, fragment.receivedAt.empty() ? UtcTime::Now() : fragment.receivedAt)
      .BindText(9, fragment.path)
      .BindText(10, fragment.messageId)
      .BindInt64(11, static_cast<int64_t>(fragment.bytes));
    return insert.Run() > 0;
  }

  std::vector<FragmentRecord> InboxStore::ListFragments(const std::string& partialId)
  {
    Statement select(db_, std::string("SELECT ") + kFragmentColumns +
                           " FROM fragments WHERE partial_id = ? ORDER BY number");
    select.BindText(1, partialId);
    std::vector<FragmentRecord> result;
    while (select.Step())
    {
      result.push_back(ReadFragment(select));
    }
    return result;
  }

  unsigned int InboxStore::RemoveFragments(const std::string& partialId)
  {
    Statement remove(db_, "DELETE FROM fragments WHERE partial_id = ?");
    remove.BindText(1, partialId);
    return static_cast<unsigned int>(remove.Run());
  }

  std::vector<std::string> InboxStore::ListIncompleteOlderThan(const std::string& time)
  {
    UtcTime::Check(time, "time limit", false);
    // (partial_id, number) is the primary key, so COUNT(*) counts distinct numbers.
    Statement select(db_,
      "SELECT partial_id FROM fragments GROUP BY partial_id "
      "HAVING MIN(received_at) < ? AND (MAX(total) = 0 OR COUNT(*) < MAX(total)) "
      "ORDER BY MIN(received_at), partial_id");
    select.BindText(1, time);
    std::vector<std::string> result;
    while (select.Step())
    {
      result.push_back(select.ColumnText(0));
    }
    return result;
  }
}
