// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Metrics/RecordTotals.h"

#include "Core/Store/SqliteStatement.h"
#include "Core/Store/StateSql.h"
#include "Core/Store/UtcTime.h"
#include "Core/Transfer/InboxState.h"

#include <vector>

namespace DicomMail
{
  namespace
  {
    // The first row of an aggregate query, its first "columns" columns.
    std::vector<uint64_t> Row(SqliteDatabase& db, const std::string& sql, int columns = 1)
    {
      SqliteStatement statement(db, sql);
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
    void ReadDurations(SqliteDatabase& db, const std::string& sql, std::map<std::string, int64_t>& out)
    {
      SqliteStatement statement(db, sql);
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

  RecordTotals RecordTotals::Read(SqliteDatabase& db)
  {
    const std::string received = StateSql::List(AllInboxTransferStates(), InboxStates::IsComplete);
    const std::string receiveFailed = std::string("'") + ToString(InboxTransferState::Failed) + "'";
    const std::string quarantined = std::string("'") + ToString(InboxMailState::Quarantined) + "'";
    RecordTotals t;
    std::unique_lock<std::recursive_mutex> lock = db.Lock();   // one consistent picture
    const std::vector<uint64_t> outbox = Row(db,
      "SELECT COALESCE(SUM(state IN ('sent', 'acknowledged')), 0), COALESCE(SUM(state = 'failed'), 0), "
      "COALESCE(SUM(bytes_sent), 0) FROM outbox_transfers", 3);
    t.transfersSent = outbox[0];
    t.sendFailed = outbox[1];
    t.bytesSent = outbox[2];
    const std::vector<uint64_t> inbox = Row(db,
      "SELECT COALESCE(SUM(state IN (" + received + ")), 0), "
      "COALESCE(SUM(state = " + receiveFailed + "), 0) FROM inbox_transfers", 2);
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
    // SQLite takes the bare columns of a MAX() aggregate from the row holding the maximum.
    ReadDurations(db,
      "SELECT partner, created, MAX(finished) FROM outbox_transfers "
      "WHERE finished <> '' AND state IN ('sent', 'acknowledged') GROUP BY partner", t.lastSentSeconds);
    ReadDurations(db,
      "SELECT partner, CASE WHEN sender_date <> '' THEN sender_date ELSE first_received END, "
      "MAX(last_import_at) FROM inbox_transfers "
      "WHERE partner <> '' AND last_import_at <> '' AND state IN (" + received + ") "
      "GROUP BY partner", t.lastReceivedSeconds);
    return t;
  }
}
