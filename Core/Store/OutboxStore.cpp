// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/OutboxStore.h"

#include "Core/Common/Error.h"
#include "Core/Common/Trim.h"
#include "Core/Store/OutboxStateSql.h"
#include "Core/Store/Statement.h"
#include "Core/Store/Transaction.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/UtcMillis.h"
#include "Core/Store/UtcTime.h"
#include "Core/Transfer/StateText.h"

#include <algorithm>
#include <regex>
#include <set>
#include <tuple>

namespace DicomMail
{
  namespace
  {
    const char kTransferColumns[] =
      "set_id, partner, recipient, study_uids, resources, created, finished, state, reason, "
      "total_instances, total_mails, bytes_sent, job_id, ack_requested, total_bytes, qa_test, "
      "claimed_by, claimed_until, send_run";

    const char kMailColumns[] =
      "set_id, part, message_id, state, instances, bytes, attempts, sent_at, duration_ms, "
      "ack_disposition, ack_at, reason, fragments, sop_uids, receiver_completed_ms, compress";

    std::string NormalizeMessageId(const std::string& messageId)
    {
      std::string id = Trim(messageId);
      if (id.size() >= 2 && id.front() == '<' && id.back() == '>')
      {
        id = id.substr(1, id.size() - 2);
      }
      return id;
    }

    std::string MailName(const std::string& setId, unsigned int part)
    {
      return "mail " + std::to_string(part) + " of transfer " + setId;
    }

    void BindTransferFields(Statement& s, const OutboxTransfer& t)
    {
      // Parameter order follows kTransferColumns.
      s.BindText(1, t.setId)
        .BindText(2, t.partner)
        .BindText(3, t.recipient)
        .BindStringList(4, t.studyInstanceUids)
        .BindStringList(5, t.resources)
        .BindText(6, t.created)
        .BindText(7, t.finished)
        .BindText(8, ToString(t.state))
        .BindText(9, t.reason)
        .BindInt64(10, t.totalInstances)
        .BindInt64(11, t.totalMails)
        .BindUint64(12, t.bytesSent)
        .BindText(13, t.jobId)
        .BindBool(14, t.acknowledgementsRequested)
        .BindUint64(15, t.totalBytes)
        .BindInt64(16, t.qaTest ? (t.qaMonthly ? 2 : 1) : 0)
        .BindText(17, t.claimedBy)
        .BindInt64(18, t.claimedUntil)
        .BindInt64(19, t.sendRun);
    }

    OutboxTransfer ReadTransfer(Statement& row)
    {
      OutboxTransfer t;
      t.setId = row.ColumnText(0);
      t.partner = row.ColumnText(1);
      t.recipient = row.ColumnText(2);
      t.studyInstanceUids = row.ColumnStringList(3);
      t.resources = row.ColumnStringList(4);
      t.created = row.ColumnText(5);
      t.finished = row.ColumnText(6);
      t.state = ParseTransferState(row.ColumnText(7));
      t.reason = row.ColumnText(8);
      t.totalInstances = static_cast<unsigned int>(row.ColumnUint64(9));
      t.totalMails = static_cast<unsigned int>(row.ColumnUint64(10));
      t.bytesSent = row.ColumnUint64(11);
      t.jobId = row.ColumnText(12);
      t.acknowledgementsRequested = row.ColumnBool(13);
      t.totalBytes = row.ColumnUint64(14);
      t.qaTest = row.ColumnInt64(15) != 0;
      t.qaMonthly = row.ColumnInt64(15) == 2;
      t.claimedBy = row.ColumnText(16);
      t.claimedUntil = row.ColumnInt64(17);
      t.sendRun = row.ColumnInt64(18);
      return t;
    }

    OutboxMail ReadMail(Statement& row)
    {
      OutboxMail m;
      m.setId = row.ColumnText(0);
      m.part = static_cast<unsigned int>(row.ColumnUint64(1));
      m.messageId = row.ColumnText(2);
      m.state = ParseMailState(row.ColumnText(3));
      m.instances = row.ColumnStringList(4);
      m.bytes = row.ColumnUint64(5);
      m.attempts = static_cast<unsigned int>(row.ColumnUint64(6));
      m.sentAt = row.ColumnText(7);
      m.durationMs = row.ColumnUint64(8);
      m.ackDisposition = row.ColumnText(9);
      m.ackAt = row.ColumnText(10);
      m.reason = row.ColumnText(11);
      m.fragments = static_cast<unsigned int>(row.ColumnUint64(12));
      m.sopInstanceUids = row.ColumnStringList(13);
      m.receiverCompletedMs = row.ColumnInt64(14);
      m.compress = row.ColumnBool(15);
      return m;
    }

    // "a, b" as "c.a, c.b": columns of one table of a join.
    std::string Qualified(const std::string& columns, const std::string& prefix)
    {
      return prefix + std::regex_replace(columns, std::regex(", "), ", " + prefix);
    }

    // The mails that wait for an acknowledgement past their time, as "c"
    // joined to their transfer "t": sent before ?first, of a transfer that
    // asked for acknowledgements and is neither failed nor canceled.
    std::string AwaitingAck(int first)
    {
      const std::string p = "?" + std::to_string(first);
      const std::string q = "?" + std::to_string(first + 1);
      const std::string r = "?" + std::to_string(first + 2);
      const std::string u = "?" + std::to_string(first + 3);
      return "c.state = " + q + " AND c.sent_at < " + p + " AND t.ack_requested = 1 AND t.state NOT IN (" +
        r + ", " + u + ")";
    }

    void BindAwaitingAck(Statement& s, int first, const std::string& olderThan)
    {
      s.BindText(first, olderThan)
        .BindText(first + 1, ToString(MailState::Sent))
        .BindText(first + 2, ToString(TransferState::Failed))
        .BindText(first + 3, ToString(TransferState::Canceled));
    }

    void CheckTransfer(const OutboxTransfer& t)
    {
      if (t.setId.empty())
      {
        throw Error(ErrorKind::BadInput, "A transfer needs a set id");
      }
      UtcTime::Check(t.created, "creation time of transfer " + t.setId, true);
      UtcTime::Check(t.finished, "end time of transfer " + t.setId, true);
    }

    void CheckMail(const OutboxMail& m, const std::string& setId)
    {
      if (m.part == 0)
      {
        throw Error(ErrorKind::BadInput, "Mail parts are numbered from 1 in transfer " + setId);
      }
      if (!m.sopInstanceUids.empty() && m.sopInstanceUids.size() != m.instances.size())
      {
        throw Error(ErrorKind::BadInput, "The SOP Instance UIDs of " + MailName(setId, m.part) +
                    " do not match its instances");
      }
      UtcTime::Check(m.sentAt, "send time of " + MailName(setId, m.part), true);
      UtcTime::Check(m.ackAt, "acknowledgement time of " + MailName(setId, m.part), true);
    }
  }

  OutboxStore::OutboxStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  void OutboxStore::CreateTransfer(const OutboxTransfer& transfer, const std::vector<OutboxMail>& mails)
  {
    CheckTransfer(transfer);
    std::set<unsigned int> parts;
    for (const OutboxMail& mail : mails)
    {
      CheckMail(mail, transfer.setId);
      if (!parts.insert(mail.part).second)
      {
        throw Error(ErrorKind::BadInput, "Part " + std::to_string(mail.part) +
                    " appears twice in transfer " + transfer.setId);
      }
    }

    Transaction transaction(db_);

    {
      Statement exists(db_, "SELECT 1 FROM outbox_transfers WHERE set_id = ?");
      exists.BindText(1, transfer.setId);
      if (exists.Step())
      {
        throw Error(ErrorKind::BadInput, "Transfer " + transfer.setId + " already exists");
      }
    }

    OutboxTransfer record = transfer;
    // The start in ms as well, for the QA report (#17); a given "created" stands.
    const int64_t createdMs = record.created.empty() ? UtcMillis::Now() : UtcTime::ToUnix(record.created) * 1000;
    if (record.created.empty())
    {
      record.created = UtcTime::FromUnix(createdMs / 1000);
    }
    Statement insertTransfer(db_, std::string("INSERT INTO outbox_transfers (") + kTransferColumns +
                                   ", created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    BindTransferFields(insertTransfer, record);
    insertTransfer.BindInt64(20, createdMs);
    insertTransfer.Run();

    Statement insertMail(db_, std::string("INSERT INTO outbox_mails (") + kMailColumns +
                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const OutboxMail& mail : mails)
    {
      insertMail.Reset();
      insertMail.BindText(1, transfer.setId)
        .BindInt64(2, mail.part)
        .BindText(3, NormalizeMessageId(mail.messageId))
        .BindText(4, ToString(mail.state))
        .BindStringList(5, mail.instances)
        .BindUint64(6, mail.bytes)
        .BindInt64(7, mail.attempts)
        .BindText(8, mail.sentAt)
        .BindUint64(9, mail.durationMs)
        .BindText(10, mail.ackDisposition)
        .BindText(11, mail.ackAt)
        .BindText(12, mail.reason)
        .BindInt64(13, mail.fragments)
        .BindStringList(14, mail.sopInstanceUids)
        .BindInt64(15, mail.receiverCompletedMs)
        .BindBool(16, mail.compress);
      insertMail.Run();
    }

    transaction.Commit();
  }

  bool OutboxStore::SetTransferState(const std::string& setId, TransferState state, const std::string& reason)
  {
    // The states it may come from, as SQL text: the transition rule stays in
    // OutboxStates, the check and the write are one statement.
    const std::string from = TransferStateList([state](TransferState candidate) {
      return OutboxStates::CanChange(candidate, state);
    });
    if (!from.empty())
    {
      Statement update(db_,
        "UPDATE outbox_transfers SET state = ?2, reason = ?3, "
        "finished = CASE WHEN finished = '' AND ?4 THEN ?5 ELSE finished END "
        "WHERE set_id = ?1 AND state IN (" + from + ")");
      update.BindText(1, setId)
        .BindText(2, ToString(state))
        .BindText(3, reason)
        .BindBool(4, OutboxStates::IsFinished(state))
        .BindText(5, UtcTime::Now());
      if (update.Run() > 0)
      {
        return true;
      }
    }
    Statement exists(db_, "SELECT 1 FROM outbox_transfers WHERE set_id = ?");
    exists.BindText(1, setId);
    if (!exists.Step())
    {
      throw Error(ErrorKind::NotFound, "Unknown transfer " + setId);
    }
    return false;
  }

  void OutboxStore::SetJobId(const std::string& setId, const std::string& jobId)
  {
    Statement update(db_, "UPDATE outbox_transfers SET job_id = ?2 WHERE set_id = ?1");
    update.BindText(1, setId).BindText(2, jobId);
    if (update.Run() == 0)
    {
      throw Error(ErrorKind::NotFound, "Unknown transfer " + setId);
    }
  }

  bool OutboxStore::RemoveTransfer(const std::string& setId)
  {
    Statement remove(db_, "DELETE FROM outbox_transfers WHERE set_id = ?");
    remove.BindText(1, setId);
    return remove.Run() > 0;  // the mails go by ON DELETE CASCADE
  }

  void OutboxStore::SetSendingReason(const std::string& setId, unsigned int part, const std::string& reason)
  {
    Transaction transaction(db_);
    const std::string sending = ToString(TransferState::Sending);
    Statement transfer(db_, "UPDATE outbox_transfers SET reason = ?2 WHERE set_id = ?1 AND state = ?3");
    transfer.BindText(1, setId).BindText(2, reason).BindText(3, sending);
    if (transfer.Run() > 0)
    {
      Statement mail(db_, "UPDATE outbox_mails SET reason = ?3 WHERE set_id = ?1 AND part = ?2 AND state = ?4");
      mail.BindText(1, setId).BindInt64(2, part).BindText(3, reason).BindText(4, ToString(MailState::Sending));
      mail.Run();
    }
    transaction.Commit();
  }

  void OutboxStore::SetMailState(const std::string& setId, unsigned int part, MailState state,
                                 const std::string& reason)
  {
    Statement update(db_, "UPDATE outbox_mails SET state = ?3, reason = ?4 WHERE set_id = ?1 AND part = ?2");
    update.BindText(1, setId).BindInt64(2, part).BindText(3, ToString(state)).BindText(4, reason);
    if (update.Run() == 0)
    {
      throw Error(ErrorKind::NotFound, "Unknown " + MailName(setId, part));
    }
  }

  unsigned int OutboxStore::MarkMailSending(const std::string& setId, unsigned int part)
  {
    Transaction transaction(db_);
    SetMailState(setId, part, MailState::Sending, "");
    const unsigned int attempts = IncrementAttempts(setId, part);
    transaction.Commit();
    return attempts;
  }

  void OutboxStore::MarkMailSent(const std::string& setId, unsigned int part, const std::string& messageId,
                                 uint64_t bytes, uint64_t durationMs, unsigned int fragments)
  {
    Transaction transaction(db_);

    Statement update(db_,
      "UPDATE outbox_mails SET state = ?8, message_id = ?3, bytes = ?4, duration_ms = ?5, "
      "sent_at = ?6, fragments = ?7, reason = '', ack_disposition = '', ack_at = '' "
      "WHERE set_id = ?1 AND part = ?2");
    update.BindText(1, setId)
      .BindInt64(2, part)
      .BindText(3, NormalizeMessageId(messageId))
      .BindUint64(4, bytes)
      .BindUint64(5, durationMs)
      .BindText(6, UtcTime::Now())
      .BindInt64(7, fragments)
      .BindText(8, ToString(MailState::Sent));
    if (update.Run() == 0)
    {
      throw Error(ErrorKind::NotFound, "Unknown " + MailName(setId, part));
    }

    Statement add(db_, "UPDATE outbox_transfers SET bytes_sent = bytes_sent + ?2 WHERE set_id = ?1");
    add.BindText(1, setId).BindUint64(2, bytes);
    add.Run();

    transaction.Commit();
  }

  MailState OutboxStore::RecordAck(const std::string& setId, unsigned int part,
                                     const std::string& disposition, const std::string& when,
                                     int64_t receiverCompletedMs)
  {
    UtcTime::Check(when, "acknowledgement time of " + MailName(setId, part), false);
    const MailState state = OutboxStates::ForDisposition(disposition);

    Statement update(db_,
      "UPDATE outbox_mails SET state = ?3, ack_disposition = ?4, ack_at = ?5, receiver_completed_ms = ?6 "
      "WHERE set_id = ?1 AND part = ?2");
    update.BindText(1, setId)
      .BindInt64(2, part)
      .BindText(3, ToString(state))
      .BindText(4, Trim(disposition))
      .BindText(5, when)
      .BindInt64(6, receiverCompletedMs);
    if (update.Run() == 0)
    {
      throw Error(ErrorKind::NotFound, "Unknown " + MailName(setId, part));
    }
    return state;
  }

  unsigned int OutboxStore::IncrementAttempts(const std::string& setId, unsigned int part)
  {
    Statement update(db_,
      "UPDATE outbox_mails SET attempts = attempts + 1 WHERE set_id = ?1 AND part = ?2 RETURNING attempts");
    update.BindText(1, setId).BindInt64(2, part);
    if (!update.Step())
    {
      throw Error(ErrorKind::NotFound, "Unknown " + MailName(setId, part));
    }
    const unsigned int attempts = static_cast<unsigned int>(update.ColumnUint64(0));
    update.Run();  // let the statement finish so that the change is applied
    return attempts;
  }

  bool OutboxStore::GetTransfer(const std::string& setId, OutboxTransfer& out, std::vector<OutboxMail>& mails)
  {
    auto lock = db_.Lock();  // the transfer and its mails as one snapshot

    Statement selectTransfer(db_, std::string("SELECT ") + kTransferColumns +
                                   " FROM outbox_transfers WHERE set_id = ?");
    selectTransfer.BindText(1, setId);
    if (!selectTransfer.Step())
    {
      return false;
    }
    out = ReadTransfer(selectTransfer);

    Statement selectMails(db_, std::string("SELECT ") + kMailColumns +
                                " FROM outbox_mails WHERE set_id = ? ORDER BY part");
    selectMails.BindText(1, setId);
    mails.clear();
    while (selectMails.Step())
    {
      mails.push_back(ReadMail(selectMails));
    }
    return true;
  }

  std::vector<OutboxTransfer> OutboxStore::ListTransfers(unsigned int limit, unsigned int offset,
                                                       const TransferFilter& filter)
  {
    // rowid breaks ties between transfers created within the same second.
    const TransferFilterClause where(filter, "created");
    Statement select(db_, std::string("SELECT ") + kTransferColumns +
                           " FROM outbox_transfers" + where.GetSql() +
                           " ORDER BY created DESC, rowid DESC LIMIT ? OFFSET ?");
    const int next = where.Bind(select, 1);
    select.BindInt64(next, limit).BindInt64(next + 1, offset);
    std::vector<OutboxTransfer> result;
    while (select.Step())
    {
      result.push_back(ReadTransfer(select));
    }
    return result;
  }

  const std::set<std::string>& OutboxStore::GetTransferStates()
  {
    // The words of the one module of states, for checking a filter's value.
    static const std::set<std::string> states = StateText::Words(AllTransferStates());
    return states;
  }

  uint64_t OutboxStore::CountTransfers()
  {
    Statement count(db_, "SELECT COUNT(*) FROM outbox_transfers");
    count.Step();
    return count.ColumnUint64(0);
  }

  std::vector<OutboxMail> OutboxStore::ListMailsAwaitingAck(const std::string& olderThan)
  {
    UtcTime::Check(olderThan, "time limit", false);
    Statement select(db_, "SELECT " + Qualified(kMailColumns, "c.") +
      " FROM outbox_mails c JOIN outbox_transfers t ON t.set_id = c.set_id WHERE " + AwaitingAck(1) +
      " ORDER BY c.sent_at, c.set_id, c.part");
    BindAwaitingAck(select, 1, olderThan);
    std::vector<OutboxMail> result;
    while (select.Step())
    {
      result.push_back(ReadMail(select));
    }
    return result;
  }

  std::vector<OutboxMail> OutboxStore::ClaimMailsAwaitingAck(const std::string& olderThan, const ClaimTerms& terms,
                                                             unsigned int limit)
  {
    UtcTime::Check(olderThan, "time limit", false);
    RowClaim::Query query;
    query.table = "outbox_mails";
    query.key = "rowid";
    query.from = "outbox_mails c JOIN outbox_transfers t ON t.set_id = c.set_id";
    query.due = AwaitingAck(5);
    query.order = "c.sent_at, c.set_id, c.part";
    query.returning = kMailColumns;
    Statement claim(db_, RowClaim::Sql(db_.Dialect(), query));
    BindAwaitingAck(claim, RowClaim::Bind(claim, terms, limit), olderThan);
    std::vector<OutboxMail> result;
    while (claim.Step())
    {
      result.push_back(ReadMail(claim));
    }
    // RETURNING keeps no order: oldest first, as listed.
    std::sort(result.begin(), result.end(), [](const OutboxMail& a, const OutboxMail& b) {
      return std::tie(a.sentAt, a.setId, a.part) < std::tie(b.sentAt, b.setId, b.part);
    });
    return result;
  }

  int64_t OutboxStore::BeginRun(const std::string& setId, const ClaimTerms& terms)
  {
    Statement begin(db_, "UPDATE outbox_transfers SET send_run = send_run + 1, claimed_by = ?2, claimed_until = ?3 "
                          "WHERE set_id = ?1 RETURNING send_run");
    begin.BindText(1, setId).BindText(2, terms.node).BindInt64(3, terms.until);
    if (!begin.Step())
    {
      throw Error(ErrorKind::NotFound, "Unknown transfer " + setId);
    }
    const int64_t run = begin.ColumnInt64(0);
    begin.Run();   // let the statement finish so that the change is applied
    return run;
  }

  int64_t OutboxStore::BeginResend(const std::string& setId, const ClaimTerms& terms, const std::string& reason)
  {
    const std::string resendable = TransferStateList(OutboxStates::IsResendable);
    Statement begin(db_, "UPDATE outbox_transfers SET send_run = send_run + 1, claimed_by = ?2, claimed_until = ?3, "
                          "state = ?4, reason = ?5 WHERE set_id = ?1 AND state IN (" + resendable + ") "
                          "RETURNING send_run");
    begin.BindText(1, setId).BindText(2, terms.node).BindInt64(3, terms.until)
      .BindText(4, ToString(TransferState::Sending)).BindText(5, reason);
    if (!begin.Step())
    {
      return 0;
    }
    const int64_t run = begin.ColumnInt64(0);
    begin.Run();
    return run;
  }

  bool OutboxStore::HoldRun(const std::string& setId, int64_t run, const ClaimTerms& terms)
  {
    Statement hold(db_, "UPDATE outbox_transfers SET claimed_by = ?3, claimed_until = ?4 "
                         "WHERE set_id = ?1 AND send_run = ?2");
    hold.BindText(1, setId).BindInt64(2, run).BindText(3, terms.node).BindInt64(4, terms.until);
    return hold.Run() > 0;
  }

  unsigned int OutboxStore::RenewClaims(const ClaimTerms& terms)
  {
    Statement renew(db_, "UPDATE outbox_transfers SET claimed_until = ?2 WHERE claimed_by = ?1 AND state IN (" +
                          TransferStateList(OutboxStates::NeedsJob) + ")");
    renew.BindText(1, terms.node).BindInt64(2, terms.until);
    return static_cast<unsigned int>(renew.Run());
  }

  std::vector<std::pair<std::string, int64_t> > OutboxStore::ClaimOrphans(const ClaimTerms& terms,
                                                                          unsigned int limit)
  {
    RowClaim::Query query;
    query.table = "outbox_transfers";
    query.key = "set_id";
    query.from = "outbox_transfers c";
    query.due = "c.claimed_by <> '' AND c.claimed_by <> ?1 AND c.state IN (" +
      TransferStateList(OutboxStates::NeedsJob) + ")";
    query.order = "c.created, c.rowid";
    query.returning = "set_id, send_run";
    query.alsoSet = "send_run = send_run + 1";
    Statement claim(db_, RowClaim::Sql(db_.Dialect(), query));
    RowClaim::Bind(claim, terms, limit);
    std::vector<std::pair<std::string, int64_t> > runs;
    while (claim.Step())
    {
      runs.emplace_back(claim.ColumnText(0), claim.ColumnInt64(1));
    }
    return runs;
  }

  bool OutboxStore::FindMailByMessageId(const std::string& messageId, OutboxMail& out)
  {
    const std::string id = NormalizeMessageId(messageId);
    if (id.empty())
    {
      return false;  // mails not sent yet have an empty message id
    }
    Statement select(db_, std::string("SELECT ") + kMailColumns +
                           " FROM outbox_mails WHERE message_id = ? LIMIT 1");
    select.BindText(1, id);
    if (!select.Step())
    {
      return false;
    }
    out = ReadMail(select);
    return true;
  }
}
