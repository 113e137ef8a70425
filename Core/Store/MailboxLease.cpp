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
    if (session_->Dialect().GetEngine() == DatabaseEngine::SQLite || held_.count(mailbox) > 0)
    {
      return true;
    }
    Statement acquire(*session_, std::string("SELECT pg_try_advisory_lock(") + kNamespace + ", hashtext(?))");
    acquire.BindText(1, mailbox);
    if (acquire.Step() && acquire.ColumnBool(0))
    {
      held_.insert(mailbox);
      return true;
    }
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
}
