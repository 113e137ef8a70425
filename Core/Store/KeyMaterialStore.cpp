// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/KeyMaterialStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/Transaction.h"

namespace DicomMail
{
  KeyMaterialStore::KeyMaterialStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  int64_t KeyMaterialStore::Publish(const std::vector<KeyMaterial>& changes)
  {
    if (changes.empty())
    {
      return GetGeneration();
    }
    Transaction transaction(db_);
    Statement next(db_, "UPDATE key_material_counter SET generation = generation + 1 WHERE name = 'keys' "
                        "RETURNING generation");
    if (!next.Step())
    {
      throw Error(ErrorKind::Storage, "the key material counter is missing in database " + db_.GetPath());
    }
    const int64_t generation = next.ColumnInt64(0);
    next.Finalize();

    Statement upsert(db_, "INSERT INTO key_material (fingerprint, public_key, secret_key, ownertrust, deleted, "
                          "generation) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET "
                          "public_key = excluded.public_key, secret_key = excluded.secret_key, "
                          "ownertrust = excluded.ownertrust, deleted = excluded.deleted, "
                          "generation = excluded.generation");
    for (const KeyMaterial& key : changes)
    {
      if (key.fingerprint.empty() || (!key.deleted && key.publicKey.empty()))
      {
        throw Error(ErrorKind::BadInput, "key material needs a fingerprint and, unless deleted, a public key");
      }
      upsert.BindText(1, key.fingerprint).BindText(2, key.publicKey).BindText(3, key.secretKey)
        .BindText(4, key.ownertrust).BindBool(5, key.deleted).BindInt64(6, generation);
      upsert.Run();
      upsert.Reset();
    }
    transaction.Commit();
    return generation;
  }

  int64_t KeyMaterialStore::GetGeneration()
  {
    Statement select(db_, "SELECT generation FROM key_material_counter WHERE name = 'keys'");
    return select.Step() ? select.ColumnInt64(0) : 0;
  }

  std::vector<KeyMaterial> KeyMaterialStore::ChangedSince(int64_t generation)
  {
    Statement select(db_, "SELECT fingerprint, public_key, secret_key, ownertrust, deleted, generation "
                          "FROM key_material WHERE generation > ? ORDER BY generation, fingerprint");
    select.BindInt64(1, generation);
    std::vector<KeyMaterial> rows;
    while (select.Step())
    {
      KeyMaterial key;
      key.fingerprint = select.ColumnText(0);
      key.publicKey = select.ColumnText(1);
      key.secretKey = select.ColumnText(2);
      key.ownertrust = select.ColumnText(3);
      key.deleted = select.ColumnBool(4);
      key.generation = select.ColumnInt64(5);
      rows.push_back(key);
    }
    return rows;
  }
}
