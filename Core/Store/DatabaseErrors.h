// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/Error.h"

namespace DicomMail
{
  // The two database failures a caller may want to tell from the others, on
  // either engine; both remain Error(Storage) for everyone else.

  // A UNIQUE or PRIMARY KEY constraint refused a row: someone (another
  // thread, another node) was first.
  class UniqueViolation : public Error
  {
  public:
    explicit UniqueViolation(const std::string& message) :
      Error(ErrorKind::Storage, message)
    {
    }
  };

  // The database stayed busy (SQLite: locked beyond the busy timeout) or
  // refused a transaction that conflicted with another (PostgreSQL:
  // serialization failure, deadlock): trying again later may succeed.
  class DatabaseBusy : public Error
  {
  public:
    explicit DatabaseBusy(const std::string& message) :
      Error(ErrorKind::Storage, message)
    {
    }
  };
}
