// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/NoticeStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/AcknowledgementQueueStore.h"
#include "Core/Store/Statement.h"
#include "Core/Store/Transaction.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/UtcTime.h"
#include "Core/Transfer/InboxState.h"
#include "Core/Transfer/TransferState.h"

namespace DicomMail
{
  namespace
  {
    // Without "id": inserts leave it to the database.
    const char kNewColumns[] =
      "set_id, kind, recipients, state, created_at, attempts, next_attempt_at, last_error, sent_at";
    const std::string kColumns = std::string("id, ") + kNewColumns;

    // An SMTP reply can be long; the log needs only its gist.
    const size_t kMaxErrorLength = 500;

    NoticeState ParseState(const std::string& text)
    {
      if (text == "sent")
      {
        return NoticeState::Sent;
      }
      return text == "failed" ? NoticeState::Failed : NoticeState::Pending;
    }

    QueuedNotice ReadRow(Statement& row)
    {
      QueuedNotice n;
      n.id = row.ColumnInt64(0);
      n.setId = row.ColumnText(1);
      n.kind = ParseNoticeKind(row.ColumnText(2));
      n.recipients = row.ColumnStringList(3);
      n.state = ParseState(row.ColumnText(4));
      n.createdAt = row.ColumnText(5);
      n.attempts = static_cast<unsigned int>(row.ColumnUint64(6));
      n.nextAttemptAt = row.ColumnText(7);
      n.lastError = row.ColumnText(8);
      n.sentAt = row.ColumnText(9);
      return n;
    }

    std::vector<QueuedNotice> ReadAll(Statement& select)
    {
      std::vector<QueuedNotice> result;
      while (select.Step())
      {
        result.push_back(ReadRow(select));
      }
      return result;
    }
  }

  const char* ToString(NoticeState state)
  {
    switch (state)
    {
      case NoticeState::Pending:
        return "pending";
      case NoticeState::Sent:
        return "sent";
      case NoticeState::Failed:
        return "failed";
    }
    throw Error(ErrorKind::Internal, "Unknown notice state");
  }

  NoticeStore::NoticeStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  bool NoticeStore::Claim(const std::string& setId, NoticeKind kind, const std::vector<std::string>& recipients,
                          const std::string& now)
  {
    UtcTime::Check(now, "time of a notice", false);
    if (setId.empty() || recipients.empty())
    {
      throw Error(ErrorKind::BadInput, "A notice needs a transfer and a recipient");
    }
    Statement insert(db_, std::string("INSERT INTO notices (") + kNewColumns +
                           ") VALUES (?, ?, ?, ?, ?, 0, ?, '', '') ON CONFLICT DO NOTHING");
    insert.BindText(1, setId)
      .BindText(2, ToString(kind))
      .BindStringList(3, recipients)
      .BindText(4, ToString(NoticeState::Pending))
      .BindText(5, now)
      .BindText(6, now);
    return insert.Run() > 0;
  }

  std::vector<QueuedNotice> NoticeStore::ListDue(const std::string& now, unsigned int limit)
  {
    UtcTime::Check(now, "current time", false);
    Statement select(db_, std::string("SELECT ") + kColumns + " FROM notices "
                           "WHERE state = ? AND next_attempt_at <= ? ORDER BY id LIMIT ?");
    select.BindText(1, ToString(NoticeState::Pending)).BindText(2, now).BindInt64(3, limit);
    return ReadAll(select);
  }

  std::vector<QueuedNotice> NoticeStore::ClaimDue(const ClaimTerms& terms, unsigned int limit)
  {
    Statement claim(db_, RowClaim::Sql(db_.Dialect(), RowClaim::Queue(
      "notices", "c.state = ?5 AND c.next_attempt_at <= ?6", kColumns)));
    const int next = RowClaim::Bind(claim, terms, limit);
    claim.BindText(next, ToString(NoticeState::Pending)).BindText(next + 1, UtcTime::FromUnix(terms.now));
    std::vector<QueuedNotice> result = ReadAll(claim);
    RowClaim::SortById(result);
    return result;
  }

  std::vector<QueuedNotice> NoticeStore::ListForTransfer(const std::string& setId)
  {
    Statement select(db_, std::string("SELECT ") + kColumns + " FROM notices WHERE set_id = ? ORDER BY id");
    select.BindText(1, setId);
    return ReadAll(select);
  }

  void NoticeStore::MarkSent(int64_t id, const std::string& now)
  {
    UtcTime::Check(now, "sending time of a notice", false);
    Statement update(db_, "UPDATE notices SET state = ?, sent_at = ? WHERE id = ?");
    update.BindText(1, ToString(NoticeState::Sent)).BindText(2, now).BindInt64(3, id);
    if (update.Run() == 0)
    {
      throw Error(ErrorKind::NotFound, "Unknown notice " + std::to_string(id));
    }
  }

  NoticeState NoticeStore::RecordFailure(int64_t id, const std::string& error, const std::string& now,
                                         unsigned int retryDelay, unsigned int maxAttempts)
  {
    UtcTime::Check(now, "time of a failed notice", false);
    Transaction transaction(db_);
    Statement select(db_, "SELECT attempts FROM notices WHERE id = ?");
    select.BindInt64(1, id);
    if (!select.Step())
    {
      throw Error(ErrorKind::NotFound, "Unknown notice " + std::to_string(id));
    }
    const unsigned int attempts = static_cast<unsigned int>(select.ColumnUint64(0)) + 1;
    select.Finalize();
    const NoticeState state = attempts >= maxAttempts ? NoticeState::Failed : NoticeState::Pending;
    // The same back-off as acknowledgements: Smtp.RetryDelay, doubling.
    const std::string next = UtcTime::FromUnix(UtcTime::ToUnix(now) +
                                               AcknowledgementQueueStore::BackoffDelay(retryDelay, attempts));
    Statement update(db_, "UPDATE notices SET attempts = ?, state = ?, next_attempt_at = ?, last_error = ?, "
                           "claimed_until = 0 WHERE id = ?");
    update.BindInt64(1, attempts)
      .BindText(2, ToString(state))
      .BindText(3, next)
      .BindText(4, error.substr(0, kMaxErrorLength))
      .BindInt64(5, id);
    update.Run();
    transaction.Commit();
    return state;
  }

  std::vector<std::string> NoticeStore::FindArrivals(const std::string& since)
  {
    return FindWithoutNotice("inbox_transfers", "completed_at", {ToString(InboxTransferState::Complete),
                             ToString(InboxTransferState::CompleteWithWarnings)}, NoticeKind::Arrival, since);
  }

  std::vector<std::string> NoticeStore::FindFailures(const std::string& since)
  {
    return FindWithoutNotice("outbox_transfers", "finished", {ToString(TransferState::Failed)}, NoticeKind::Failure,
                             since);
  }

  std::vector<std::string> NoticeStore::FindWithoutNotice(const char* table, const char* timeColumn,
                                                          const std::vector<std::string>& states, NoticeKind kind,
                                                          const std::string& since)
  {
    UtcTime::Check(since, "start of the notice scan", false);
    std::string placeholders;
    for (size_t i = 0; i < states.size(); i++)
    {
      placeholders += (i == 0 ? "?" : ", ?");
    }
    Statement select(db_, std::string("SELECT set_id FROM ") + table + " t WHERE " + timeColumn + " >= ? "
                           "AND state IN (" + placeholders + ") AND NOT EXISTS (SELECT 1 FROM notices n "
                           "WHERE n.set_id = t.set_id AND n.kind = ?) ORDER BY " + timeColumn + ", set_id");
    int index = 1;
    select.BindText(index++, since);
    for (const std::string& state : states)
    {
      select.BindText(index++, state);
    }
    select.BindText(index, ToString(kind));
    std::vector<std::string> result;
    while (select.Step())
    {
      result.push_back(select.ColumnText(0));
    }
    return result;
  }

  std::string NoticeStore::GetScannedUntil()
  {
    Statement select(db_, "SELECT scanned_until FROM notice_scan WHERE id = 1");
    return select.Step() ? select.ColumnText(0) : std::string();
  }

  void NoticeStore::SetScannedUntil(const std::string& time)
  {
    UtcTime::Check(time, "end of the notice scan", false);
    Statement upsert(db_, "INSERT INTO notice_scan (id, scanned_until) VALUES (1, ?) "
                           "ON CONFLICT (id) DO UPDATE SET scanned_until = excluded.scanned_until");
    upsert.BindText(1, time);
    upsert.Run();
  }
}
