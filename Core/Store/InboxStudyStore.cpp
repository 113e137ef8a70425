// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/InboxStudyStore.h"

#include "Core/Store/SqliteStatement.h"
#include "Core/Store/StoreSchema.h"

namespace DicomMail
{
  InboxStudyStore::InboxStudyStore(SqliteDatabase& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  void InboxStudyStore::Record(const std::string& setId, const std::string& studyId)
  {
    SqliteStatement insert(db_, "INSERT OR IGNORE INTO inbox_studies (set_id, study_id) VALUES (?1, ?2)");
    insert.BindText(1, setId).BindText(2, studyId);
    insert.Run();
  }

  std::vector<std::string> InboxStudyStore::List(const std::string& setId)
  {
    SqliteStatement select(db_, "SELECT study_id FROM inbox_studies WHERE set_id = ?1 ORDER BY rowid");
    select.BindText(1, setId);
    std::vector<std::string> result;
    while (select.Step())
    {
      result.push_back(select.ColumnText(0));
    }
    return result;
  }
}
