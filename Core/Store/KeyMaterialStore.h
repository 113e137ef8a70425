// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // One primary key as every node's GnuPG home should hold it (#18).
  struct KeyMaterial
  {
    std::string fingerprint;   // 40 upper-case hex digits
    std::string publicKey;     // armored, with its local certifications
    std::string secretKey;     // armored and passphrase-protected; "" unless ours
    std::string ownertrust;    // gpg --export-ownertrust line, "" for none
    bool deleted = false;      // the key left the keyring
    int64_t generation = 0;    // the counter's value at the row's last change
  };

  // The shared keyring of the nodes of one site: rows change with a
  // table-wide counter, so a node that remembers the last generation it
  // applied reads only what changed since. Concurrent publishers are
  // serialized by the database's write transaction.
  class KeyMaterialStore
  {
  public:
    explicit KeyMaterialStore(Database& db);

    // Upserts every row in one transaction with generation = counter + 1
    // (the "generation" fields are ignored); returns that generation. An
    // empty list changes nothing and returns the current generation.
    int64_t Publish(const std::vector<KeyMaterial>& changes);

    // The counter: the newest generation any row has.
    int64_t GetGeneration();

    // Rows changed after "generation", oldest change first.
    std::vector<KeyMaterial> ChangedSince(int64_t generation);

  private:
    Database& db_;
  };
}
