// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/ForwardStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/AcknowledgementQueueStore.h"
#include "Core/Store/Statement.h"
#include "Core/Store/Transaction.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/UtcTime.h"

namespace DicomMail
{
  namespace
  {
    const char kColumns[] =
      "id, set_id, modality, state, queued_at, attempts, next_attempt_at, last_error, last_attempt_at, job_id, "
      "instances, forwarded_at, deleted";

    // Orthanc's job error can be long; the page needs only its gist.
    const size_t kMaxErrorLength = 500;

    ForwardRecord ReadRow(Statement& row)
    {
      ForwardRecord r;
      r.id = row.ColumnInt64(0);
      r.setId = row.ColumnText(1);
      r.modality = row.ColumnText(2);
      r.state = ParseForwardState(row.ColumnText(3));
      r.queuedAt = row.ColumnText(4);
      r.attempts = static_cast<unsigned int>(row.ColumnUint64(5));
      r.nextAttemptAt = row.ColumnText(6);
      r.lastError = row.ColumnText(7);
      r.lastAttemptAt = row.ColumnText(8);
      r.jobId = row.ColumnText(9);
      r.instances = static_cast<unsigned int>(row.ColumnUint64(10));
      r.forwardedAt = row.ColumnText(11);
      r.deleted = row.ColumnInt64(12) != 0;
      return r;
    }

    void RequireUpdated(Statement& update, int64_t id)
    {
      if (update.Run() == 0)
      {
        throw Error(ErrorKind::NotFound, "Unknown forward " + std::to_string(id));
      }
    }
  }

  ForwardStore::ForwardStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  bool ForwardStore::Queue(const std::string& setId, const std::string& modality, const std::string& now)
  {
    UtcTime::Check(now, "time a forward is queued", false);
    if (setId.empty() || modality.empty())
    {
      throw Error(ErrorKind::BadInput, "A forward needs a transfer and a modality");
    }
    Statement insert(db_, "INSERT INTO forwards (set_id, modality, state, queued_at, attempts, "
                           "next_attempt_at, last_error, last_attempt_at, job_id, instances, forwarded_at, deleted) "
                           "VALUES (?, ?, ?, ?, 0, ?, '', '', '', 0, '', 0) ON CONFLICT DO NOTHING");
    insert.BindText(1, setId)
      .BindText(2, modality)
      .BindText(3, ToString(ForwardState::Queued))
      .BindText(4, now)
      .BindText(5, now);
    return insert.Run() > 0;
  }

  bool ForwardStore::Get(const std::string& setId, ForwardRecord& out)
  {
    Statement select(db_, std::string("SELECT ") + kColumns + " FROM forwards WHERE set_id = ?");
    select.BindText(1, setId);
    if (!select.Step())
    {
      return false;
    }
    out = ReadRow(select);
    return true;
  }

  std::vector<ForwardRecord> ForwardStore::ListUnfinished()
  {
    Statement select(db_, std::string("SELECT ") + kColumns + " FROM forwards WHERE state <> ? ORDER BY id");
    select.BindText(1, ToString(ForwardState::Forwarded));
    std::vector<ForwardRecord> result;
    while (select.Step())
    {
      result.push_back(ReadRow(select));
    }
    return result;
  }

  bool ForwardStore::Claim(int64_t id, const ClaimTerms& terms, bool& fromOtherNode)
  {
    // Read and write in one transaction: on PostgreSQL it holds the write
    // lock of every node (SqlDialect::Begin).
    Transaction transaction(db_);
    Statement select(db_, "SELECT claimed_by, claimed_until FROM forwards WHERE id = ?");
    select.BindInt64(1, id);
    if (!select.Step())
    {
      throw Error(ErrorKind::NotFound, "Unknown forward " + std::to_string(id));
    }
    const std::string holder = select.ColumnText(0);
    if (holder != terms.node && select.ColumnInt64(1) > terms.now)
    {
      return false;
    }
    select.Finalize();
    fromOtherNode = !holder.empty() && holder != terms.node;
    Statement update(db_, "UPDATE forwards SET claimed_by = ?, claimed_until = ? WHERE id = ?");
    update.BindText(1, terms.node).BindInt64(2, terms.until).BindInt64(3, id);
    update.Run();
    transaction.Commit();
    return true;
  }

  void ForwardStore::MarkStarted(int64_t id, const std::string& jobId, unsigned int instances,
                                 const std::string& now)
  {
    UtcTime::Check(now, "start of a forward", false);
    Statement update(db_, "UPDATE forwards SET state = ?, job_id = ?, instances = ?, last_attempt_at = ? "
                           "WHERE id = ?");
    update.BindText(1, ToString(ForwardState::Forwarding))
      .BindText(2, jobId)
      .BindInt64(3, instances)
      .BindText(4, now)
      .BindInt64(5, id);
    RequireUpdated(update, id);
  }

  std::string ForwardStore::RecordFailure(int64_t id, const std::string& error, const std::string& now,
                                          unsigned int retryDelay)
  {
    UtcTime::Check(now, "time of a failed forward", false);
    Transaction transaction(db_);
    Statement select(db_, "SELECT attempts FROM forwards WHERE id = ?");
    select.BindInt64(1, id);
    if (!select.Step())
    {
      throw Error(ErrorKind::NotFound, "Unknown forward " + std::to_string(id));
    }
    const unsigned int attempts = static_cast<unsigned int>(select.ColumnUint64(0)) + 1;
    // The acknowledgements' back-off: a PACS that is down for a weekend is
    // tried about hourly, never given up on.
    const std::string next = UtcTime::FromUnix(
      UtcTime::ToUnix(now) + AcknowledgementQueueStore::BackoffDelay(retryDelay, attempts));
    Statement update(db_, "UPDATE forwards SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, "
                           "last_attempt_at = ? WHERE id = ?");
    update.BindText(1, ToString(ForwardState::Retrying))
      .BindInt64(2, attempts)
      .BindText(3, next)
      .BindText(4, error.substr(0, kMaxErrorLength))
      .BindText(5, now)
      .BindInt64(6, id);
    update.Run();
    transaction.Commit();
    return next;
  }

  void ForwardStore::MarkForwarded(int64_t id, unsigned int instances, const std::string& now, bool deleted)
  {
    UtcTime::Check(now, "time of a forward", false);
    Transaction transaction(db_);
    Statement update(db_, "UPDATE forwards SET state = ?, instances = ?, forwarded_at = ?, deleted = ?, "
                           "last_error = '' WHERE id = ?");
    update.BindText(1, ToString(ForwardState::Forwarded))
      .BindInt64(2, instances)
      .BindText(3, now)
      .BindInt64(4, deleted ? 1 : 0)
      .BindInt64(5, id);
    RequireUpdated(update, id);
    Statement drop(db_, "DELETE FROM forward_instances WHERE set_id = (SELECT set_id FROM forwards WHERE id = ?)");
    drop.BindInt64(1, id);
    drop.Run();
    transaction.Commit();
  }

  bool ForwardStore::RetryNow(const std::string& setId, const std::string& now)
  {
    UtcTime::Check(now, "time of a retry", false);
    Statement update(db_, "UPDATE forwards SET next_attempt_at = ? WHERE set_id = ? AND state IN (?, ?)");
    update.BindText(1, now)
      .BindText(2, setId)
      .BindText(3, ToString(ForwardState::Queued))
      .BindText(4, ToString(ForwardState::Retrying));
    return update.Run() > 0;
  }

  ForwardQueueSummary ForwardStore::Summarize()
  {
    ForwardQueueSummary summary;
    std::unique_lock<std::recursive_mutex> lock = db_.Lock();   // one consistent view
    {
      Statement counts(db_, "SELECT COUNT(*), COUNT(CASE WHEN state = ? THEN 1 END), MIN(queued_at) FROM forwards "
                             "WHERE state <> ?");
      counts.BindText(1, ToString(ForwardState::Retrying)).BindText(2, ToString(ForwardState::Forwarded));
      counts.Step();
      summary.waiting = counts.ColumnUint64(0);
      summary.failing = counts.ColumnUint64(1);
      summary.oldestWaiting = counts.ColumnText(2);
    }
    Statement latest(db_, "SELECT last_error FROM forwards WHERE state = ? "
                           "ORDER BY last_attempt_at DESC, id DESC LIMIT 1");
    latest.BindText(1, ToString(ForwardState::Retrying));
    if (latest.Step())
    {
      summary.lastError = latest.ColumnText(0);
    }
    return summary;
  }

  void ForwardStore::RecordInstance(const std::string& setId, const std::string& instanceId)
  {
    Statement insert(db_, "INSERT INTO forward_instances (set_id, instance_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
    insert.BindText(1, setId).BindText(2, instanceId);
    insert.Run();
  }

  std::vector<std::string> ForwardStore::ListInstances(const std::string& setId)
  {
    Statement select(db_, "SELECT instance_id FROM forward_instances WHERE set_id = ? ORDER BY instance_id");
    select.BindText(1, setId);
    std::vector<std::string> result;
    while (select.Step())
    {
      result.push_back(select.ColumnText(0));
    }
    return result;
  }

  std::vector<std::string> ForwardStore::SharedWithOthers(const std::string& setId,
                                                          const std::vector<std::string>& instanceIds)
  {
    std::vector<std::string> result;
    Statement select(db_, "SELECT 1 FROM forward_instances WHERE instance_id = ? AND set_id <> ? LIMIT 1");
    for (const std::string& instance : instanceIds)
    {
      select.Reset();
      select.BindText(1, instance).BindText(2, setId);
      if (select.Step())
      {
        result.push_back(instance);
      }
    }
    return result;
  }
}
