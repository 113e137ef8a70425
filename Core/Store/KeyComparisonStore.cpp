// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/KeyComparisonStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/UtcTime.h"

namespace DicomMail
{
  KeyComparisonStore::KeyComparisonStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  void KeyComparisonStore::Record(const KeyComparison& comparison)
  {
    if (comparison.fingerprint.empty() || comparison.comparedBy.empty() || comparison.method.empty())
    {
      throw Error(ErrorKind::BadInput, "a key comparison needs the fingerprint, who compared it and how");
    }
    UtcTime::Check(comparison.comparedAt, "comparison time", true);
    Statement insert(db_, "INSERT INTO key_comparisons (fingerprint, compared_by, method, "
                                "compared_at) VALUES (?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET "
                                "compared_by = excluded.compared_by, method = excluded.method, "
                                "compared_at = excluded.compared_at");
    insert.BindText(1, comparison.fingerprint).BindText(2, comparison.comparedBy).BindText(3, comparison.method)
      .BindText(4, comparison.comparedAt.empty() ? UtcTime::Now() : comparison.comparedAt);
    insert.Run();
  }

  bool KeyComparisonStore::Get(const std::string& fingerprint, KeyComparison& out)
  {
    Statement select(db_, "SELECT fingerprint, compared_by, method, compared_at FROM key_comparisons "
                                "WHERE fingerprint = ?");
    select.BindText(1, fingerprint);
    if (!select.Step())
    {
      return false;
    }
    out.fingerprint = select.ColumnText(0);
    out.comparedBy = select.ColumnText(1);
    out.method = select.ColumnText(2);
    out.comparedAt = select.ColumnText(3);
    return true;
  }
}
