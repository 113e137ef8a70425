// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/KeyRotationStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"

namespace DicomMail
{
  const char* const KeyRotationStore::kSite = "";

  KeyRotationStore::KeyRotationStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  void KeyRotationStore::Record(const KeyRotation& rotation)
  {
    if (rotation.oldFingerprint.empty() || rotation.newFingerprint.empty() ||
        rotation.oldFingerprint == rotation.newFingerprint)
    {
      throw Error(ErrorKind::BadInput, "a key rotation needs two different fingerprints");
    }
    Statement insert(db_, "INSERT INTO key_rotations "
                           "(owner, old_fingerprint, new_fingerprint, rotated_ms, until_ms, retired_ms) "
                           "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (owner, old_fingerprint) DO UPDATE SET "
                           "new_fingerprint = excluded.new_fingerprint, rotated_ms = excluded.rotated_ms, "
                           "until_ms = excluded.until_ms, retired_ms = excluded.retired_ms");
    insert.BindText(1, rotation.owner).BindText(2, rotation.oldFingerprint).BindText(3, rotation.newFingerprint)
      .BindInt64(4, rotation.rotatedMs).BindInt64(5, rotation.untilMs).BindInt64(6, rotation.retiredMs);
    insert.Run();
  }

  std::vector<KeyRotation> KeyRotationStore::Select(const std::string& where, const std::string& owner,
                                                    int64_t nowMs)
  {
    Statement select(db_, "SELECT owner, old_fingerprint, new_fingerprint, rotated_ms, until_ms, retired_ms "
                           "FROM key_rotations" + where + " ORDER BY rotated_ms, old_fingerprint");
    int index = 1;
    if (where.find("owner = ?") != std::string::npos)
    {
      select.BindText(index++, owner);
    }
    if (where.find("until_ms <= ?") != std::string::npos)
    {
      select.BindInt64(index++, nowMs);
    }
    std::vector<KeyRotation> result;
    while (select.Step())
    {
      KeyRotation r;
      r.owner = select.ColumnText(0);
      r.oldFingerprint = select.ColumnText(1);
      r.newFingerprint = select.ColumnText(2);
      r.rotatedMs = select.ColumnInt64(3);
      r.untilMs = select.ColumnInt64(4);
      r.retiredMs = select.ColumnInt64(5);
      result.push_back(r);
    }
    return result;
  }

  std::vector<KeyRotation> KeyRotationStore::List(const std::string& owner)
  {
    return Select(" WHERE owner = ?", owner, 0);
  }

  std::vector<KeyRotation> KeyRotationStore::ListAll()
  {
    return Select("", "", 0);
  }

  std::vector<KeyRotation> KeyRotationStore::ListDueForRetirement(int64_t nowMs)
  {
    return Select(" WHERE owner = ? AND retired_ms = 0 AND until_ms <= ?", kSite, nowMs);
  }

  void KeyRotationStore::MarkRetired(const std::string& oldFingerprint, int64_t nowMs)
  {
    Statement update(db_, "UPDATE key_rotations SET retired_ms = ? WHERE owner = ? AND old_fingerprint = ?");
    update.BindInt64(1, nowMs).BindText(2, kSite).BindText(3, oldFingerprint);
    update.Run();
  }

  void KeyRotationStore::Forget(const std::string& owner)
  {
    Statement remove(db_, "DELETE FROM key_rotations WHERE owner = ?");
    remove.BindText(1, owner);
    remove.Run();
  }

  std::string KeyRotationStore::Resolve(const std::vector<KeyRotation>& rotations, const std::string& fingerprint,
                                        KeyRotation& previous)
  {
    previous = KeyRotation();
    std::string current = fingerprint;
    // Bounded by the number of rotations: a cycle (A to B, later B to A)
    // ends where it started instead of looping.
    for (size_t step = 0; step < rotations.size(); step++)
    {
      const KeyRotation* next = nullptr;
      for (const KeyRotation& r : rotations)
      {
        if (r.oldFingerprint == current)
        {
          next = &r;
        }
      }
      if (next == nullptr)
      {
        break;
      }
      previous = *next;
      current = next->newFingerprint;
    }
    return current;
  }
}
