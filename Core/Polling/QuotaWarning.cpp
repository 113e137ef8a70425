// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/QuotaWarning.h"

namespace DicomMail
{
  bool QuotaWarning::Crossed(const ImapQuota& quota)
  {
    const bool above = quota.known && quota.Percent() > threshold_;
    const bool crossed = above && !above_;
    above_ = above;
    return crossed;
  }
}
