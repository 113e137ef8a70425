// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementResult.h"
#include "Core/Config/Configuration.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Receiving/ITrustPolicy.h"

#include <string>

namespace DicomMail
{
  // Reads an acknowledgement mail (docs/wire-format.md §5): RFC 3156
  // multipart/signed whose first part is the RFC 3798 multipart/report.
  // The detached signature is verified over the first part's raw bytes,
  // canonicalised to CRLF, and must be valid and by the key of the partner
  // the From address names: a forged or unsigned MDN must never mark a mail
  // delivered. Never throws for hostile input (valid = false, reason);
  // Error(Storage) if the file cannot be read.
  class AcknowledgementReader
  {
  public:
    static const size_t kMaxSignedPartBytes = 1024 * 1024;

    static AcknowledgementResult Read(const std::string& mailPath,
                          OpenPgpContext& crypto,
                          ITrustPolicy& trust,
                          const ReceiveLimits& limits = ReceiveLimits());
  };
}
