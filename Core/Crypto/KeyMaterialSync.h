// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/GnupgHome.h"
#include "Core/Crypto/GpgSession.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Store/KeyMaterialStore.h"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace DicomMail
{
  // Keeps one GnuPG home and the shared key_material table in step (#18,
  // keys on every node). Publish() copies keys changed here to the table;
  // Follow() brings what other nodes published into this home. Our secret
  // keys travel as gpg exports them, protected by the site passphrase, so
  // the table holds nothing the home does not already protect; a key
  // without a passphrase is refused rather than stored in clear.
  //
  // Local certifications and trust signatures travel too (gpg's
  // export-local-sigs / import-local-sigs): they are what makes a partner
  // or an authority valid in a home, and every node is the same site. The
  // generation applied last is kept in a small file inside the home.
  class KeyMaterialSync
  {
  public:
    // "passphrase" answers for the site key when its secret part is
    // exported; the home and the store must outlive the sync.
    KeyMaterialSync(const GnupgHome& home, KeyMaterialStore& store,
                    OpenPgpContext::PassphraseProvider passphrase);

    // After a local change of these keys (generate, import, certify,
    // authority trust, revocation, expiry, delete): their current state, or
    // their deletion if the home no longer has them, in one transaction.
    // Returns the generation written.
    int64_t Publish(const std::vector<std::string>& fingerprints);

    // Every key of the home: a node's first step onto an empty table.
    int64_t PublishAll();

    // Applies every row newer than the generation this home has; returns
    // how many. With nothing new it reads one counter and starts no gpg.
    size_t Follow();

    // The generation this home has applied (0 for none).
    int64_t GetAppliedGeneration() const;

  private:
    KeyMaterial Export(OpenPgpContext& crypto, const std::string& fingerprint,
                       const std::string& ownertrust);
    void Apply(const std::vector<KeyMaterial>& rows);
    void SetAppliedGeneration(int64_t generation);

    // Runs gpg on the home with "arguments" after the session's; returns
    // its stdout. Throws Error(Crypto) on failure or on any question.
    std::string RunGpg(const std::vector<std::string>& arguments, const std::string& input,
                       const std::string& what);

    const GnupgHome& home_;
    KeyMaterialStore& store_;
    OpenPgpContext::PassphraseProvider passphrase_;
    GpgSession session_;
    std::mutex mutex_;   // one publish or follow at a time on this home
  };
}
