// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Metrics/MetricsCollector.h"

#include "Core/Metrics/MetricNames.h"
#include "Core/Metrics/RecordTotals.h"
#include "Core/Store/UtcTime.h"

#include <algorithm>

namespace DicomMail
{
  namespace
  {
    void Add(MetricList& metrics, const std::string& base, double value, const std::string& id = "")
    {
      metrics.push_back(Metric{MetricNames::Make(base, id), value});
    }
  }

  MetricsCollector::MetricsCollector(Database& db, const StatusBoard& board, int64_t startedAt) :
    db_(db),
    board_(board),
    startedAt_(startedAt)
  {
  }

  bool MetricsCollector::EarliestKeyExpiryDays(const std::vector<KeyInfo>& keys, int64_t now, double& days)
  {
    int64_t earliest = 0;
    for (const KeyInfo& key : keys)
    {
      const int64_t until = key.UsableUntil();
      if (!key.revoked && until != 0 && (earliest == 0 || until < earliest))
      {
        earliest = until;
      }
    }
    if (earliest == 0)
    {
      return false;
    }
    days = static_cast<double>(earliest - now) / 86400.0;
    return true;
  }

  void MetricsCollector::AddMailboxAges(MetricList& metrics, int64_t now) const
  {
    // The board's public view: one entry per account, LastSuccess in UTC or null.
    const Json::Value accounts = board_.ToJson();
    for (const Json::Value& account : accounts)
    {
      if (account["Kind"].asString() != "incoming")
      {
        continue;
      }
      const std::string lastSuccess = account["LastSuccess"].isString() ? account["LastSuccess"].asString() : "";
      const int64_t since = UtcTime::IsValid(lastSuccess) ? UtcTime::ToUnix(lastSuccess) : startedAt_;
      Add(metrics, "mailbox_last_poll_age_seconds", static_cast<double>(std::max<int64_t>(0, now - since)),
          account["Name"].asString());
    }
  }

  MetricList MetricsCollector::Collect(const std::vector<KeyInfo>& keys, int64_t now) const
  {
    const RecordTotals totals = RecordTotals::Read(db_);
    MetricList metrics;
    Add(metrics, "transfers_sent_total", static_cast<double>(totals.transfersSent));
    Add(metrics, "transfers_received_total", static_cast<double>(totals.transfersReceived));
    Add(metrics, "transfers_send_failed_total", static_cast<double>(totals.sendFailed));
    Add(metrics, "transfers_receive_failed_total", static_cast<double>(totals.receiveFailed));
    Add(metrics, "mails_in_flight", static_cast<double>(totals.mailsInFlight));
    Add(metrics, "mails_awaiting_acknowledgement", static_cast<double>(totals.mailsAwaitingAck));
    Add(metrics, "mails_quarantined", static_cast<double>(totals.mailsQuarantined));
    Add(metrics, "sent_bytes_total", static_cast<double>(totals.bytesSent));
    Add(metrics, "received_bytes_total", static_cast<double>(totals.bytesReceived));
    AddMailboxAges(metrics, now);
    double days = 0;
    if (EarliestKeyExpiryDays(keys, now, days))
    {
      Add(metrics, "key_expiry_days", days);
    }
    for (const auto& item : totals.lastSentSeconds)
    {
      Add(metrics, "last_sent_transfer_duration_seconds", static_cast<double>(item.second), item.first);
    }
    for (const auto& item : totals.lastReceivedSeconds)
    {
      Add(metrics, "last_received_transfer_duration_seconds", static_cast<double>(item.second), item.first);
    }
    return metrics;
  }
}
