// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/Transaction.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  Transaction::Transaction(Database& db) :
    db_(db),
    lock_(db.Lock()),
    done_(false)
  {
    if (db_.transactionDepth_ == 0)
    {
      db_.Execute(db_.Dialect().Begin());
    }
    else
    {
      savepoint_ = "nested" + std::to_string(db_.transactionDepth_);
      db_.Execute("SAVEPOINT " + savepoint_);
    }
    db_.transactionDepth_++;
  }

  Transaction::~Transaction()
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
          db_.Execute("ROLLBACK TO SAVEPOINT " + savepoint_ + "; RELEASE SAVEPOINT " + savepoint_);
        }
      }
      catch (const Error&)
      {
        // The engine may already have rolled back by itself (e.g. after a
        // full disk, or a lost connection); nothing more can be done from a
        // destructor.
      }
      db_.transactionDepth_--;
    }
  }

  void Transaction::Commit()
  {
    if (done_)
    {
      throw Error(ErrorKind::Internal, "Transaction committed twice in database " + db_.GetPath());
    }
    db_.Execute(savepoint_.empty() ? "COMMIT" : "RELEASE SAVEPOINT " + savepoint_);
    done_ = true;
    db_.transactionDepth_--;
  }
}
