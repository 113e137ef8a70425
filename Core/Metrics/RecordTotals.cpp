// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Metrics/RecordTotals.h"

#include "Core/Store/Statement.h"
#include "Core/Store/StateSql.h"
#include "Core/Store/UtcTime.h"
#include "Core/Transfer/InboxState.h"

#include <vector>

namespace DicomMail
{
  namespace
  {
    // The first row of an aggregate query, its first "columns" columns.
    std::vector<uint64_t> Row(Database& db, const std::string& sql, int columns = 1)
    {
      Statement statement(db, sql);
      std::vector<uint64_t> values(columns, 0);
      if (statement.Step())
      {
        for (int i = 0; i < columns; i++)
        {
          values[i] = statement.ColumnUint64(i);
        }
      }
      return values;
    }

    // Rows of (partner, start, end): the seconds between start and end.
    void ReadDurations(Database& db, const std::string& sql, std::map<std::string, int64_t>& out)
    {
      Statement statement(db, sql);
      while (statement.Step())
      {
        const std::string start = statement.ColumnText(1);
        const std::string end = statement.ColumnText(2);
        if (UtcTime::IsValid(start) && UtcTime::IsValid(end))
        {
          out[statement.ColumnText(0)] = UtcTime::ToUnix(end) - UtcTime::ToUnix(start);
        }
      }
    }
  }

  RecordTotals RecordTotals::Read(Database& db)
  {
    const std::string received = StateSql::List(AllInboxTransferStates(), InboxStates::IsComplete);
    const std::string receiveFailed = std::string("'") + ToString(InboxTransferState::Failed) + "'";
    const std::string quarantined = std::string("'") + ToString(InboxMailState::Quarantined) + "'";
    RecordTotals t;
    std::unique_lock<std::recursive_mutex> lock = db.Lock();   // one consistent picture
    const std::vector<uint64_t> outbox = Row(db,
      "SELECT COUNT(CASE WHEN state IN ('sent', 'acknowledged') THEN 1 END), COUNT(CASE WHEN state = 'failed' THEN 1 END), "
      "COALESCE(SUM(bytes_sent), 0) FROM outbox_transfers", 3);
    t.transfersSent = outbox[0];
    t.sendFailed = outbox[1];
    t.bytesSent = outbox[2];
    const std::vector<uint64_t> inbox = Row(db,
      "SELECT COUNT(CASE WHEN state IN (" + received + ") THEN 1 END), "
      "COUNT(CASE WHEN state = " + receiveFailed + " THEN 1 END) FROM inbox_transfers", 2);
    t.transfersReceived = inbox[0];
    t.receiveFailed = inbox[1];
    t.mailsInFlight = Row(db,
      "SELECT COUNT(*) FROM outbox_mails m JOIN outbox_transfers t ON t.set_id = m.set_id "
      "WHERE m.state IN ('pending', 'sending') AND t.state IN ('pending', 'sending')")[0];
    t.mailsAwaitingAck = Row(db,
      "SELECT COUNT(*) FROM outbox_mails m JOIN outbox_transfers t ON t.set_id = m.set_id "
      "WHERE m.state = 'sent' AND t.ack_requested <> 0 AND t.state NOT IN ('failed', 'canceled')")[0];
    t.mailsQuarantined = Row(db, "SELECT COUNT(*) FROM inbox_mails WHERE state = " + quarantined)[0];
    t.bytesReceived = Row(db, "SELECT COALESCE(SUM(bytes), 0) FROM inbox_mails WHERE acknowledgement = 0")[0];
    // The latest row of each partner: a window, which both engines have
    // (SQLite's bare columns of MAX() are its own).
    ReadDurations(db,
      "SELECT partner, created, finished FROM (SELECT partner, created, finished, "
      "ROW_NUMBER() OVER (PARTITION BY partner ORDER BY finished DESC) AS n FROM outbox_transfers "
      "WHERE finished <> '' AND state IN ('sent', 'acknowledged')) AS latest WHERE n = 1", t.lastSentSeconds);
    ReadDurations(db,
      "SELECT partner, start, last_import_at FROM (SELECT partner, "
      "CASE WHEN sender_date <> '' THEN sender_date ELSE first_received END AS start, last_import_at, "
      "ROW_NUMBER() OVER (PARTITION BY partner ORDER BY last_import_at DESC) AS n FROM inbox_transfers "
      "WHERE partner <> '' AND last_import_at <> '' AND state IN (" + received + ")) AS latest WHERE n = 1",
      t.lastReceivedSeconds);
    return t;
  }
}
