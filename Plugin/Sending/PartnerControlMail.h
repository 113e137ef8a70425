// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Sending/MailEnvelope.h"
#include "Core/Sending/SignedMailComposer.h"

#include <string>

namespace DicomMail
{
  // A signed, encrypted mail of the site to a partner that is not a
  // transfer (an image-quality report, a key announcement): who it is from
  // and to, and how it is protected, the way every such mail does it.
  struct PartnerControlMail
  {
    SignedMailAddressing addressing;
    MailProtection protection;

    // To the partner's first address, encrypted to its key, signed by "signer".
    static PartnerControlMail To(const PartnerSettings& partner, const std::string& signer);

    // Sends the composed mail over the site's SMTP account: "" when the
    // server took it, else the server's reason.
    std::string Send(const ComposedSignedMail& mail) const;
  };
}
