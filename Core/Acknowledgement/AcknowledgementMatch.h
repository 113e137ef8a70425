// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementParser.h"

#include <string>

namespace DicomMail
{
  // Whether a verified acknowledgement is about one of our outbox mails.
  // Its Original-Message-ID only finds the candidate; the report must also
  // name that mail's SETID and SETPART inside the signed part
  // (AcknowledgementBuilder writes them there), so that a partner's signature
  // over one answer cannot be taken as an answer to another mail.
  namespace AcknowledgementMatch
  {
    // "" when the report names (setId, part); otherwise why not.
    std::string Mismatch(const AcknowledgementReport& signedReport, const std::string& setId, unsigned int part);
  }
}
