// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/MailboxLease.h"

#include "Core/Store/Statement.h"

namespace DicomMail
{
  namespace
  {
    // The first key of the two-key advisory locks: "DMml" keeps the
    // mailboxes apart from anyone else's locks on the same server.
    const char kNamespace[] = "1145924972";
  }

  MailboxLease::MailboxLease(std::unique_ptr<Database> session) :
    session_(std::move(session))
  {
  }

  bool MailboxLease::TryAcquire(const std::string& mailbox)
  {
    auto lock = session_->Lock();
    if (session_->Dialect().GetEngine() == DatabaseEngine::SQLite)
    {
      return true;
    }
    // Asked every time, also for a lock we took: the engine re-connects a
    // broken connection by itself, and the new session holds nothing. So
    // "ours" is what the server says this session holds (pg_locks), else a
    // new try.
    try
    {
      Statement acquire(*session_, std::string(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND "
        "pid = pg_backend_pid() AND granted AND classid = ") + kNamespace + " AND objid = hashtext(?1)::oid "
        "AND objsubid = 2) THEN true ELSE pg_try_advisory_lock(" + kNamespace + ", hashtext(?1)) END");
      acquire.BindText(1, mailbox);
      if (acquire.Step() && acquire.ColumnBool(0))
      {
        held_.insert(mailbox);
        return true;
      }
    }
    catch (...)
    {
      held_.erase(mailbox);   // the server is out of reach: so is whatever we held
      throw;
    }
    held_.erase(mailbox);
    return false;
  }

  void MailboxLease::Release(const std::string& mailbox)
  {
    auto lock = session_->Lock();
    if (held_.erase(mailbox) > 0 && session_->Dialect().GetEngine() == DatabaseEngine::PostgreSQL)
    {
      Statement release(*session_, std::string("SELECT pg_advisory_unlock(") + kNamespace + ", hashtext(?))");
      release.BindText(1, mailbox);
      release.Step();
    }
  }

  bool MailboxLease::Evict(const std::string& mailbox)
  {
    auto lock = session_->Lock();
    if (session_->Dialect().GetEngine() == DatabaseEngine::SQLite)
    {
      return false;
    }
    Statement evict(*session_, std::string(
      "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND "
      "granted AND classid = ") + kNamespace + " AND objid = hashtext(?)::oid AND objsubid = 2 AND "
      "pid <> pg_backend_pid()) AS ended");
    evict.BindText(1, mailbox);
    return evict.Step() && evict.ColumnInt64(0) > 0;
  }
}
