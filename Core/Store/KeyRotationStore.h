// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // One key replaced by another (#22): ours (owner "") or a partner's.
  struct KeyRotation
  {
    std::string owner;            // "" for our site key, else the partner's name
    std::string oldFingerprint;
    std::string newFingerprint;
    int64_t rotatedMs = 0;
    int64_t untilMs = 0;          // the old key counts until then
    int64_t retiredMs = 0;        // ours: when its secret part was deleted; 0 = not yet
  };

  // The rotations the site made and accepted. The caller vouches for them
  // (KeyRotationRule for a partner's); nothing here checks a key.
  class KeyRotationStore
  {
  public:
    static const char* const kSite;   // the owner of our own rotations: ""

    explicit KeyRotationStore(Database& db);

    // Records that "oldFingerprint" of "owner" was replaced; a second record
    // of the same old key replaces the first.
    void Record(const KeyRotation& rotation);

    // Oldest first.
    std::vector<KeyRotation> List(const std::string& owner);
    std::vector<KeyRotation> ListAll();

    // Our old keys whose overlap ended by "nowMs" and that are not retired yet.
    std::vector<KeyRotation> ListDueForRetirement(int64_t nowMs);
    void MarkRetired(const std::string& oldFingerprint, int64_t nowMs);

    // When the partner is deleted: a new partner of that name starts afresh.
    void Forget(const std::string& owner);

    // Follows the owner's rotations from "fingerprint" to the key in use;
    // "previous" is the last key replaced on the way, "" when none.
    static std::string Resolve(const std::vector<KeyRotation>& rotations, const std::string& fingerprint,
                               KeyRotation& previous);

  private:
    std::vector<KeyRotation> Select(const std::string& where, const std::string& owner, int64_t nowMs);

    Database& db_;
  };
}
