// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/MonthlyMeasurementStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/QaRecordSql.h"
#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"

namespace DicomMail
{
  namespace
  {
    const char kColumns[] =
      "set_id, partner, month, trigger, test_data, instances_expected, instances_arrived, dicom_bytes, wire_bytes, "
      "started_ms, deadline_ms, acknowledged_ms, receiver_completed_ms, state, reason";

    MonthlyMeasurement ReadRow(Statement& row)
    {
      MonthlyMeasurement m;
      m.setId = row.ColumnText(0);
      m.partner = row.ColumnText(1);
      m.month = row.ColumnText(2);
      m.trigger = row.ColumnText(3);
      m.testData = row.ColumnText(4);
      m.instancesExpected = static_cast<unsigned int>(row.ColumnUint64(5));
      m.instancesArrived = static_cast<unsigned int>(row.ColumnUint64(6));
      m.dicomBytes = row.ColumnUint64(7);
      m.wireBytes = row.ColumnUint64(8);
      m.startedMs = row.ColumnInt64(9);
      m.deadlineMs = row.ColumnInt64(10);
      m.acknowledgedMs = row.ColumnInt64(11);
      m.receiverCompletedMs = row.ColumnInt64(12);
      m.state = ParseDailyTestState(row.ColumnText(13));
      m.reason = row.ColumnText(14);
      return m;
    }

    double MegabytesPerSecond(uint64_t bytes, int64_t ms)
    {
      return ms <= 0 ? 0.0 : static_cast<double>(bytes) / 1e6 / (static_cast<double>(ms) / 1000.0);
    }
  }

  int64_t MonthlyMeasurement::TransferMs() const
  {
    return (startedMs == 0 || receiverCompletedMs == 0) ? 0 : receiverCompletedMs - startedMs;
  }

  double MonthlyMeasurement::DicomMegabytesPerSecond() const
  {
    return MegabytesPerSecond(dicomBytes, TransferMs());
  }

  double MonthlyMeasurement::WireMegabytesPerSecond() const
  {
    return MegabytesPerSecond(wireBytes, TransferMs());
  }

  MonthlyMeasurementStore::MonthlyMeasurementStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  void MonthlyMeasurementStore::Add(const MonthlyMeasurement& m)
  {
    if (m.setId.empty() || m.partner.empty() || m.month.empty())
    {
      throw Error(ErrorKind::BadInput, "a monthly measurement needs its transfer, partner and month");
    }
    Statement insert(db_, std::string("INSERT INTO qa_monthly_measurements (") + kColumns +
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.BindText(1, m.setId)
      .BindText(2, m.partner)
      .BindText(3, m.month)
      .BindText(4, m.trigger)
      .BindText(5, m.testData)
      .BindInt64(6, m.instancesExpected)
      .BindInt64(7, m.instancesArrived)
      .BindUint64(8, m.dicomBytes)
      .BindUint64(9, m.wireBytes)
      .BindInt64(10, m.startedMs)
      .BindInt64(11, m.deadlineMs)
      .BindInt64(12, m.acknowledgedMs)
      .BindInt64(13, m.receiverCompletedMs)
      .BindText(14, ToString(m.state))
      .BindText(15, m.reason);
    insert.Run();
  }

  bool MonthlyMeasurementStore::Get(const std::string& setId, MonthlyMeasurement& out)
  {
    return QaRecordSql::GetBySetId(db_, kColumns, "qa_monthly_measurements", setId, out, ReadRow);
  }

  std::vector<MonthlyMeasurement> MonthlyMeasurementStore::List(const std::string& partner, unsigned int limit)
  {
    return QaRecordSql::ListNewest<MonthlyMeasurement>(db_, kColumns, "qa_monthly_measurements", partner, limit,
                                                       ReadRow);
  }

  std::vector<MonthlyMeasurement> MonthlyMeasurementStore::ListBetween(const std::string& partner, int64_t fromMs,
                                                                       int64_t toMs)
  {
    Statement select(db_, std::string("SELECT ") + kColumns + " FROM qa_monthly_measurements "
                           "WHERE partner = ? AND started_ms >= ? AND started_ms < ? ORDER BY started_ms, rowid");
    select.BindText(1, partner).BindInt64(2, fromMs).BindInt64(3, toMs);
    return QaRecordSql::ReadAll<MonthlyMeasurement>(select, ReadRow);
  }

  std::vector<MonthlyMeasurement> MonthlyMeasurementStore::ListRunning()
  {
    Statement select(db_, std::string("SELECT ") + kColumns +
                           " FROM qa_monthly_measurements WHERE state = 'running' ORDER BY deadline_ms");
    return QaRecordSql::ReadAll<MonthlyMeasurement>(select, ReadRow);
  }

  std::map<std::string, std::string> MonthlyMeasurementStore::LastScheduledMonths()
  {
    std::map<std::string, std::string> months;
    Statement select(db_, "SELECT partner, MAX(month) FROM qa_monthly_measurements "
                                "WHERE trigger = 'schedule' GROUP BY partner");
    while (select.Step())
    {
      months[select.ColumnText(0)] = select.ColumnText(1);
    }
    return months;
  }

  bool MonthlyMeasurementStore::Complete(const std::string& setId, int64_t acknowledgedMs,
                                         int64_t receiverCompletedMs, unsigned int instancesArrived,
                                         uint64_t wireBytes)
  {
    Statement update(db_, "UPDATE qa_monthly_measurements SET state = CASE WHEN ?4 = instances_expected "
                                "THEN 'passed' ELSE 'failed' END, acknowledged_ms = ?2, receiver_completed_ms = ?3, "
                                "instances_arrived = ?4, wire_bytes = ?5, reason = CASE WHEN ?4 = instances_expected "
                                "THEN '' ELSE 'incomplete: not every instance was confirmed' END "
                                "WHERE set_id = ?1 AND state = 'running'");
    update.BindText(1, setId).BindInt64(2, acknowledgedMs).BindInt64(3, receiverCompletedMs)
      .BindInt64(4, instancesArrived).BindUint64(5, wireBytes);
    return update.Run() > 0;
  }

  bool MonthlyMeasurementStore::Fail(const std::string& setId, const std::string& reason)
  {
    Statement update(db_, "UPDATE qa_monthly_measurements SET state = 'failed', reason = ?2 "
                                "WHERE set_id = ?1 AND state = 'running'");
    update.BindText(1, setId).BindText(2, reason);
    return update.Run() > 0;
  }
}
