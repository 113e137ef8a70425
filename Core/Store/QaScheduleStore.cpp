// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/QaScheduleStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"

#include <json/reader.h>
#include <json/writer.h>

#include <memory>

namespace DicomMail
{
  QaScheduleStore::QaScheduleStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  void QaScheduleStore::Put(const QaSchedule& schedule)
  {
    Json::Value stored = schedule.ToJson();
    stored.removeMember("Partner");    // the key of the row
    stored.removeMember("ReadOnly");   // never true here
    Json::StreamWriterBuilder writer;
    writer["indentation"] = "";
    Statement insert(db_, "INSERT INTO qa_schedules (partner, schedule) VALUES (?, ?) "
                           "ON CONFLICT (partner) DO UPDATE SET schedule = excluded.schedule");
    insert.BindText(1, schedule.partner).BindText(2, Json::writeString(writer, stored));
    insert.Run();
  }

  bool QaScheduleStore::Remove(const std::string& partner)
  {
    Statement remove(db_, "DELETE FROM qa_schedules WHERE partner = ?");
    remove.BindText(1, partner);
    return remove.Run() > 0;
  }

  std::vector<QaSchedule> QaScheduleStore::List()
  {
    std::vector<QaSchedule> schedules;
    Statement select(db_, "SELECT partner, schedule FROM qa_schedules ORDER BY partner");
    Json::CharReaderBuilder builder;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    while (select.Step())
    {
      const std::string partner = select.ColumnText(0);
      const std::string text = select.ColumnText(1);
      Json::Value value;
      std::string errors;
      if (!reader->parse(text.data(), text.data() + text.size(), &value, &errors))
      {
        throw Error(ErrorKind::Storage, "the stored QA schedule of partner " + partner + " is not JSON");
      }
      schedules.push_back(QaSchedule::Parse(partner, value, "qa_schedules." + partner));
    }
    return schedules;
  }
}
