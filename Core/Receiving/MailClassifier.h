// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Receiving/MailClassification.h"

#include <string>

namespace DicomMail
{
  // Decides from a mail's top-level header block (and, for multipart/signed
  // and unencrypted multipart/mixed, the headers of its parts, bodies
  // skipped) which pipeline a mail belongs to. Never throws for hostile
  // input: an unreadable mail is Malformed (or Other) with a reason.
  class MailClassifier
  {
  public:
    explicit MailClassifier(const ReceiveLimits& limits = ReceiveLimits(),
                            unsigned int maxSetTotal = SetHeaderValues::kDefaultMaxTotal);

    // Throws only Error(Storage) when the file cannot be read at all.
    MailClassification Classify(const std::string& mailPath) const;

  private:
    ReceiveLimits limits_;
    unsigned int maxSetTotal_;
  };
}
