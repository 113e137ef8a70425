// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/DailyTestStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/QaRecordSql.h"
#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"

namespace DicomMail
{
  namespace
  {
    const char kColumns[] =
      "set_id, partner, test_day, trigger, test_data, instances, dicom_bytes, started_ms, deadline_ms, "
      "acknowledged_ms, receiver_completed_ms, state, reason, alert";

    const char* ToText(DailyTestAlert alert)
    {
      switch (alert)
      {
        case DailyTestAlert::Due:
          return "due";
        case DailyTestAlert::Sent:
          return "sent";
        default:
          return "";
      }
    }

    DailyTestAlert ParseAlert(const std::string& text)
    {
      return text == "due" ? DailyTestAlert::Due : text == "sent" ? DailyTestAlert::Sent : DailyTestAlert::None;
    }

    DailyTest ReadRow(Statement& row)
    {
      DailyTest t;
      t.setId = row.ColumnText(0);
      t.partner = row.ColumnText(1);
      t.testDay = row.ColumnText(2);
      t.trigger = row.ColumnText(3);
      t.testData = row.ColumnText(4);
      t.instances = static_cast<unsigned int>(row.ColumnUint64(5));
      t.dicomBytes = row.ColumnUint64(6);
      t.startedMs = row.ColumnInt64(7);
      t.deadlineMs = row.ColumnInt64(8);
      t.acknowledgedMs = row.ColumnInt64(9);
      t.receiverCompletedMs = row.ColumnInt64(10);
      t.state = ParseDailyTestState(row.ColumnText(11));
      t.reason = row.ColumnText(12);
      t.alert = ParseAlert(row.ColumnText(13));
      return t;
    }
  }

  const char* ToString(DailyTestState state)
  {
    switch (state)
    {
      case DailyTestState::Running:
        return "running";
      case DailyTestState::Passed:
        return "passed";
      case DailyTestState::Failed:
        return "failed";
    }
    throw Error(ErrorKind::Internal, "unknown daily test state");
  }

  DailyTestState ParseDailyTestState(const std::string& text)
  {
    for (DailyTestState state : { DailyTestState::Running, DailyTestState::Passed, DailyTestState::Failed })
    {
      if (text == ToString(state))
      {
        return state;
      }
    }
    throw Error(ErrorKind::BadInput, "unknown daily test state \"" + text + "\"");
  }

  DailyTestStore::DailyTestStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  void DailyTestStore::Add(const DailyTest& t)
  {
    if (t.setId.empty() || t.partner.empty() || t.testDay.empty())
    {
      throw Error(ErrorKind::BadInput, "a daily test needs its transfer, partner and day");
    }
    Statement insert(db_, std::string("INSERT INTO qa_daily_tests (") + kColumns +
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.BindText(1, t.setId)
      .BindText(2, t.partner)
      .BindText(3, t.testDay)
      .BindText(4, t.trigger)
      .BindText(5, t.testData)
      .BindInt64(6, t.instances)
      .BindUint64(7, t.dicomBytes)
      .BindInt64(8, t.startedMs)
      .BindInt64(9, t.deadlineMs)
      .BindInt64(10, t.acknowledgedMs)
      .BindInt64(11, t.receiverCompletedMs)
      .BindText(12, ToString(t.state))
      .BindText(13, t.reason)
      .BindText(14, ToText(t.alert));
    insert.Run();
  }

  bool DailyTestStore::Get(const std::string& setId, DailyTest& out)
  {
    return QaRecordSql::GetBySetId(db_, kColumns, "qa_daily_tests", setId, out, ReadRow);
  }

  std::vector<DailyTest> DailyTestStore::List(const std::string& partner, unsigned int limit)
  {
    return QaRecordSql::ListNewest<DailyTest>(db_, kColumns, "qa_daily_tests", partner, limit, ReadRow);
  }

  std::vector<DailyTest> DailyTestStore::ListRunning()
  {
    Statement select(db_, std::string("SELECT ") + kColumns +
                           " FROM qa_daily_tests WHERE state = 'running' ORDER BY deadline_ms");
    return QaRecordSql::ReadAll<DailyTest>(select, ReadRow);
  }

  std::map<std::string, std::string> DailyTestStore::LastScheduledDays()
  {
    std::map<std::string, std::string> days;
    Statement select(db_, "SELECT partner, MAX(test_day) FROM qa_daily_tests WHERE trigger = 'schedule' "
                                "GROUP BY partner");
    while (select.Step())
    {
      days[select.ColumnText(0)] = select.ColumnText(1);
    }
    return days;
  }

  bool DailyTestStore::Pass(const std::string& setId, int64_t acknowledgedMs, int64_t receiverCompletedMs)
  {
    Statement update(db_, "UPDATE qa_daily_tests SET state = 'passed', acknowledged_ms = ?2, "
                                "receiver_completed_ms = ?3, reason = '' WHERE set_id = ?1 AND state = 'running'");
    update.BindText(1, setId).BindInt64(2, acknowledgedMs).BindInt64(3, receiverCompletedMs);
    return update.Run() > 0;
  }

  bool DailyTestStore::Fail(const std::string& setId, const std::string& reason, bool raiseAlert)
  {
    Statement update(db_, "UPDATE qa_daily_tests SET state = 'failed', reason = ?2, alert = ?3 "
                                "WHERE set_id = ?1 AND state = 'running'");
    update.BindText(1, setId).BindText(2, reason).BindText(3, raiseAlert ? "due" : "");
    return update.Run() > 0;
  }

  std::vector<DailyTest> DailyTestStore::ListAlertsDue()
  {
    Statement select(db_, std::string("SELECT ") + kColumns +
                           " FROM qa_daily_tests WHERE alert = 'due' ORDER BY started_ms");
    return QaRecordSql::ReadAll<DailyTest>(select, ReadRow);
  }

  void DailyTestStore::MarkAlertSent(const std::string& setId)
  {
    Statement update(db_, "UPDATE qa_daily_tests SET alert = 'sent' WHERE set_id = ?");
    update.BindText(1, setId);
    update.Run();
  }
}
