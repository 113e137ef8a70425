// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <string>

namespace DicomMail
{
  // What a partner told us about its receiver in a signed acknowledgement.
  struct PartnerCapability
  {
    bool readsBinaryParts = false;
    std::string since;               // UtcTime of the first acknowledgement that said so
    std::string signerFingerprint;   // the key that signed it
  };

  // Remembers, per partner name, the capabilities learned from its verified
  // acknowledgements (docs/wire-format.md §5). The caller vouches that the
  // acknowledgement was signed by the partner's key; nothing here checks it.
  class PartnerCapabilityStore
  {
  public:
    explicit PartnerCapabilityStore(Database& db);

    // Records what one verified acknowledgement said. Saying binary-parts
    // keeps the first "since" while the signer stays the same; not saying it
    // (another gateway now answers for the partner) forgets it.
    void Learn(const std::string& partner, const std::string& signerFingerprint, bool readsBinaryParts,
               const std::string& now);

    // A partner never heard from reads nothing beyond the wire profile.
    PartnerCapability Get(const std::string& partner);

    // When the partner is deleted: a new partner of the same name starts afresh.
    void Forget(const std::string& partner);

  private:
    Database& db_;
  };
}
