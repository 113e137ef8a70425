// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/StatusBoard.h"
#include "Core/Crypto/KeyInfo.h"
#include "Core/Metrics/Metric.h"
#include "Core/Store/Database.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  // Computes every metric of the plugin from what it already keeps: the
  // records (RecordTotals), the mail accounts' status board and the keys in
  // use. Nothing in the send or receive path counts for it, so a restart
  // loses nothing and the values agree with the REST answers.
  class MetricsCollector
  {
  public:
    // startedAt: when the plugin started; a mailbox never polled successfully
    // counts from there, so an alert on its age fires for it too.
    MetricsCollector(Database& db, const StatusBoard& board, int64_t startedAt);

    // keys: the keys in use (the site key and the partners' keys).
    MetricList Collect(const std::vector<KeyInfo>& keys, int64_t now) const;

    // Days from now until the earliest expiry (key or encryption subkey) of
    // a key that is not revoked; negative once expired. False if none of
    // them expires.
    static bool EarliestKeyExpiryDays(const std::vector<KeyInfo>& keys, int64_t now, double& days);

  private:
    void AddMailboxAges(MetricList& metrics, int64_t now) const;

    Database& db_;
    const StatusBoard& board_;
    int64_t startedAt_;
  };
}
