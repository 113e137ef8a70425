// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/InstanceNoteStore.h"

#include "Core/Store/Statement.h"
#include "Core/Store/Transaction.h"
#include "Core/Store/StoreSchema.h"

namespace DicomMail
{
  InstanceNoteStore::InstanceNoteStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  void InstanceNoteStore::Record(const std::string& setId, unsigned int part, const Counts& counts)
  {
    Transaction transaction(db_);
    Statement remove(db_, "DELETE FROM outbox_instance_notes WHERE set_id = ? AND part = ?");
    remove.BindText(1, setId).BindInt64(2, part);
    remove.Run();
    Statement insert(db_, "INSERT INTO outbox_instance_notes (set_id, part, note, count) VALUES (?, ?, ?, ?)");
    for (const auto& item : counts)
    {
      insert.Reset();
      insert.BindText(1, setId).BindInt64(2, part).BindText(3, item.first).BindUint64(4, item.second);
      insert.Run();
    }
    transaction.Commit();
  }

  InstanceNoteStore::Counts InstanceNoteStore::Get(const std::string& setId)
  {
    Statement select(db_, "SELECT note, SUM(count) FROM outbox_instance_notes WHERE set_id = ? "
                           "GROUP BY note ORDER BY note");
    select.BindText(1, setId);
    Counts result;
    while (select.Step())
    {
      result[select.ColumnText(0)] = select.ColumnUint64(1);
    }
    return result;
  }
}
