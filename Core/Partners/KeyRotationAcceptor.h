// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Partners/KeyAnnouncementMail.h"
#include "Core/Partners/PartnerDirectory.h"
#include "Core/Store/KeyRotationStore.h"

#include <cstdint>
#include <functional>
#include <string>

namespace DicomMail
{
  // Takes a partner's new primary key from a verified announcement (#22)
  // when KeyRotationRule allows it: the key enters the keyring, the site
  // key certifies it locally (the partner's trusted key vouched for it),
  // and the partner's record points at it, its old key still verifying
  // for the overlap.
  class KeyRotationAcceptor
  {
  public:
    KeyRotationAcceptor(PartnerDirectory& partners, KeyRotationStore& rotations,
                        std::function<std::string()> siteFingerprint, uint64_t overlapSeconds);

    // "signer": the verified signer of the announcement of "partnerName".
    // Returns "" when the new key is in use (also when it was already),
    // else why it was refused; never throws for what the mail holds.
    std::string Accept(OpenPgpContext& crypto, const std::string& partnerName, const std::string& signer,
                       const KeyAnnouncement& announcement, int64_t nowMs);

  private:
    PartnerDirectory& partners_;
    KeyRotationStore& rotations_;
    std::function<std::string()> siteFingerprint_;
    uint64_t overlapSeconds_;
  };
}
