// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/AcknowledgementQueueStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/Statement.h"
#include "Core/Store/Transaction.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/UtcTime.h"

#include <algorithm>
#include <mutex>

namespace DicomMail
{
  namespace
  {
    // Without "id": inserts leave it to the database (SQLite's rowid,
    // PostgreSQL's identity).
    const char kNewColumns[] =
      "mail_id, recipient, original_message_id, disposition, set_id, set_part, detail, reporting_ua, "
      "final_recipient, created_at, attempts, next_attempt_at, last_error, last_attempt_at, sent_at, completed_ms";
    const std::string kColumns = std::string("id, ") + kNewColumns;

    // An SMTP reply can be long; the status page needs only its gist.
    const size_t kMaxErrorLength = 500;

    QueuedAcknowledgement ReadRow(Statement& row)
    {
      QueuedAcknowledgement a;
      a.id = row.ColumnInt64(0);
      a.mailId = row.ColumnInt64(1);
      a.recipient = row.ColumnText(2);
      a.content.originalMessageId = row.ColumnText(3);
      a.content.disposition = ParseDisposition(row.ColumnText(4));
      a.content.setId = row.ColumnText(5);
      a.content.setPart = row.ColumnText(6);
      a.content.detail = row.ColumnText(7);
      a.content.reportingUa = row.ColumnText(8);
      a.content.finalRecipient = row.ColumnText(9);
      a.content.completedMs = row.ColumnInt64(16);
      a.createdAt = row.ColumnText(10);
      a.attempts = static_cast<unsigned int>(row.ColumnUint64(11));
      a.nextAttemptAt = row.ColumnText(12);
      a.lastError = row.ColumnText(13);
      a.lastAttemptAt = row.ColumnText(14);
      a.sentAt = row.ColumnText(15);
      return a;
    }

    std::vector<QueuedAcknowledgement> ReadAll(Statement& select)
    {
      std::vector<QueuedAcknowledgement> result;
      while (select.Step())
      {
        result.push_back(ReadRow(select));
      }
      return result;
    }

    void CheckTime(const std::string& time, const char* what)
    {
      UtcTime::Check(time, what, false);
    }
  }

  AcknowledgementQueueStore::AcknowledgementQueueStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  int64_t AcknowledgementQueueStore::Add(const QueuedAcknowledgement& a)
  {
    if (a.recipient.empty() || a.content.originalMessageId.empty())
    {
      throw Error(ErrorKind::BadInput, "An acknowledgement needs a recipient and the Message-ID it answers");
    }
    UtcTime::Check(a.createdAt, "creation time of an acknowledgement", true);
    const std::string created = a.createdAt.empty() ? UtcTime::Now() : a.createdAt;
    Statement insert(db_, std::string("INSERT INTO acknowledgement_queue (") + kNewColumns +
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, '', '', '', ?) RETURNING id");
    insert.BindInt64(1, a.mailId)
      .BindText(2, a.recipient)
      .BindText(3, a.content.originalMessageId)
      .BindText(4, ToString(a.content.disposition))
      .BindText(5, a.content.setId)
      .BindText(6, a.content.setPart)
      .BindText(7, a.content.detail)
      .BindText(8, a.content.reportingUa)
      .BindText(9, a.content.finalRecipient)
      .BindText(10, created)
      .BindText(11, created)
      .BindInt64(12, a.content.completedMs);
    if (!insert.Step())
    {
      throw Error(ErrorKind::Storage, "No id returned for a new acknowledgement in database " + db_.GetPath());
    }
    const int64_t id = insert.ColumnInt64(0);
    insert.Run();
    return id;
  }

  bool AcknowledgementQueueStore::Get(int64_t id, QueuedAcknowledgement& out)
  {
    Statement select(db_, std::string("SELECT ") + kColumns + " FROM acknowledgement_queue WHERE id = ?");
    select.BindInt64(1, id);
    if (!select.Step())
    {
      return false;
    }
    out = ReadRow(select);
    return true;
  }

  std::vector<QueuedAcknowledgement> AcknowledgementQueueStore::ListDue(const std::string& now, unsigned int limit)
  {
    CheckTime(now, "current time");
    Statement select(db_, std::string("SELECT ") + kColumns + " FROM acknowledgement_queue "
                           "WHERE sent_at = '' AND next_attempt_at <= ? ORDER BY id LIMIT ?");
    select.BindText(1, now).BindInt64(2, limit);
    return ReadAll(select);
  }

  std::vector<QueuedAcknowledgement> AcknowledgementQueueStore::ClaimDue(const ClaimTerms& terms, unsigned int limit)
  {
    Statement claim(db_, RowClaim::Sql(db_.Dialect(), RowClaim::Queue(
      "acknowledgement_queue", "c.sent_at = '' AND c.next_attempt_at <= ?5", kColumns)));
    claim.BindText(RowClaim::Bind(claim, terms, limit), UtcTime::FromUnix(terms.now));
    std::vector<QueuedAcknowledgement> result = ReadAll(claim);
    RowClaim::SortById(result);
    return result;
  }

  std::vector<QueuedAcknowledgement> AcknowledgementQueueStore::ListPending(unsigned int limit)
  {
    Statement select(db_, std::string("SELECT ") + kColumns + " FROM acknowledgement_queue "
                           "WHERE sent_at = '' ORDER BY id LIMIT ?");
    select.BindInt64(1, limit);
    return ReadAll(select);
  }

  void AcknowledgementQueueStore::MarkSent(int64_t id, const std::string& now)
  {
    CheckTime(now, "sending time of an acknowledgement");
    Transaction transaction(db_);
    Statement update(db_, "UPDATE acknowledgement_queue SET sent_at = ? WHERE id = ?");
    update.BindText(1, now).BindInt64(2, id);
    if (update.Run() == 0)
    {
      throw Error(ErrorKind::NotFound, "Unknown acknowledgement " + std::to_string(id));
    }
    Statement mail(db_, "UPDATE inbox_mails SET mdn_sent = 1 "
                         "WHERE id = (SELECT mail_id FROM acknowledgement_queue WHERE id = ?)");
    mail.BindInt64(1, id);
    mail.Run();
    transaction.Commit();
  }

  std::string AcknowledgementQueueStore::RecordFailure(int64_t id, const std::string& error, const std::string& now,
                                                       unsigned int retryDelay)
  {
    CheckTime(now, "time of a failed acknowledgement");
    Transaction transaction(db_);
    QueuedAcknowledgement a;
    if (!Get(id, a))
    {
      throw Error(ErrorKind::NotFound, "Unknown acknowledgement " + std::to_string(id));
    }
    const unsigned int attempts = a.attempts + 1;
    const std::string next = UtcTime::FromUnix(UtcTime::ToUnix(now) + BackoffDelay(retryDelay, attempts));
    Statement update(db_, "UPDATE acknowledgement_queue SET attempts = ?, next_attempt_at = ?, "
                           "last_error = ?, last_attempt_at = ?, claimed_until = 0 WHERE id = ?");
    update.BindInt64(1, attempts)
      .BindText(2, next)
      .BindText(3, error.substr(0, kMaxErrorLength))
      .BindText(4, now)
      .BindInt64(5, id);
    update.Run();
    transaction.Commit();
    return next;
  }

  std::string AcknowledgementQueueStore::GetNextAttemptAt()
  {
    Statement select(db_, "SELECT MIN(next_attempt_at) FROM acknowledgement_queue WHERE sent_at = ''");
    return select.Step() ? select.ColumnText(0) : std::string();
  }

  AcknowledgementQueueSummary AcknowledgementQueueStore::Summarize()
  {
    AcknowledgementQueueSummary summary;
    std::unique_lock<std::recursive_mutex> lock = db_.Lock();   // no other thread's writes in between
    {
      Statement counts(db_,
        "SELECT COUNT(CASE WHEN sent_at = '' THEN 1 END), COUNT(CASE WHEN sent_at = '' AND attempts > 0 THEN 1 END), "
        "COUNT(CASE WHEN sent_at <> '' THEN 1 END), MIN(CASE WHEN sent_at = '' THEN created_at END), "
        "MIN(CASE WHEN sent_at = '' THEN next_attempt_at END) FROM acknowledgement_queue");
      counts.Step();
      summary.pending = counts.ColumnUint64(0);
      summary.failing = counts.ColumnUint64(1);
      summary.sent = counts.ColumnUint64(2);
      summary.oldestPending = counts.ColumnText(3);
      summary.nextAttemptAt = counts.ColumnText(4);
    }
    Statement latest(db_, "SELECT last_error, last_attempt_at FROM acknowledgement_queue "
                           "WHERE sent_at = '' AND attempts > 0 ORDER BY last_attempt_at DESC, id DESC LIMIT 1");
    if (latest.Step())
    {
      summary.lastError = latest.ColumnText(0);
      summary.lastErrorAt = latest.ColumnText(1);
    }
    return summary;
  }

  int64_t AcknowledgementQueueStore::BackoffDelay(unsigned int retryDelay, unsigned int attempts)
  {
    const int64_t base = std::max(1u, retryDelay);
    const int64_t delay = base << std::min(attempts == 0 ? 0u : attempts - 1, 20u);
    return std::min(delay, std::max<int64_t>(3600, base));
  }
}
