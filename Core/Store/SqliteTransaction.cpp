// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/SqliteTransaction.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  SqliteTransaction::SqliteTransaction(SqliteDatabase& db) :
    db_(db),
    lock_(db.Lock()),
    done_(false)
  {
    if (db_.transactionDepth_ == 0)
    {
      db_.Execute("BEGIN IMMEDIATE");
    }
    else
    {
      savepoint_ = "nested" + std::to_string(db_.transactionDepth_);
      db_.Execute("SAVEPOINT " + savepoint_);
    }
    db_.transactionDepth_++;
  }

  SqliteTransaction::~SqliteTransaction()
  {
    if (!done_)
    {
      try
      {
        if (savepoint_.empty())
        {
          db_.Execute("ROLLBACK");
        }
        else
        {
          db_.Execute("ROLLBACK TO " + savepoint_ + "; RELEASE " + savepoint_);
        }
      }
      catch (const Error&)
      {
        // SQLite may already have rolled back by itself (e.g. after a full
        // disk); nothing more can be done from a destructor.
      }
      db_.transactionDepth_--;
    }
  }

  void SqliteTransaction::Commit()
  {
    if (done_)
    {
      throw Error(ErrorKind::Internal, "Transaction committed twice in database " + db_.GetPath());
    }
    db_.Execute(savepoint_.empty() ? "COMMIT" : "RELEASE " + savepoint_);
    done_ = true;
    db_.transactionDepth_--;
  }
}
