// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Transport/ImapQuota.h"

namespace DicomMail
{
  // Decides when a mailbox's quota is worth a warning: once when a reading
  // goes above the threshold, not at every poll while it stays there; a
  // reading back below re-arms it. One per mailbox, kept across polls.
  class QuotaWarning
  {
  public:
    static const unsigned int kDefaultThresholdPercent = 80;

    explicit QuotaWarning(unsigned int thresholdPercent = kDefaultThresholdPercent) :
      threshold_(thresholdPercent)
    {
    }

    // True when this reading is the one that crossed the threshold.
    bool Crossed(const ImapQuota& quota);

  private:
    unsigned int threshold_;
    bool above_ = false;
  };
}
