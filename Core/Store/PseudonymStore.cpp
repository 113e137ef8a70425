// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/PseudonymStore.h"

#include "Core/Pseudonymisation/PseudonymUids.h"
#include "Core/Store/Statement.h"
#include "Core/Store/Transaction.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/UtcTime.h"

namespace DicomMail
{
  namespace
  {
    const char kColumns[] = "partner, patient_id, pseudonym, secret, created";

    PseudonymRecord ReadRecord(Statement& row)
    {
      PseudonymRecord record;
      record.partner = row.ColumnText(0);
      record.patientId = row.ColumnText(1);
      record.pseudonym = row.ColumnText(2);
      record.secret = row.ColumnText(3);
      record.created = row.ColumnText(4);
      return record;
    }
  }

  PseudonymStore::PseudonymStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  PseudonymRecord PseudonymStore::GetOrCreate(const std::string& partner, const std::string& patientId)
  {
    Transaction transaction(db_);
    Statement select(db_, std::string("SELECT ") + kColumns +
                           " FROM pseudonyms WHERE partner = ? AND patient_id = ?");
    select.BindText(1, partner).BindText(2, patientId);
    if (select.Step())
    {
      return ReadRecord(select);
    }
    PseudonymRecord record;
    record.partner = partner;
    record.patientId = patientId;
    record.pseudonym = PseudonymUids::NewPseudonym();
    record.secret = PseudonymUids::NewSecret();
    record.created = UtcTime::Now();
    Statement insert(db_, std::string("INSERT INTO pseudonyms (") + kColumns + ") VALUES (?, ?, ?, ?, ?)");
    insert.BindText(1, record.partner).BindText(2, record.patientId).BindText(3, record.pseudonym)
      .BindText(4, record.secret).BindText(5, record.created);
    insert.Run();
    transaction.Commit();
    return record;
  }

  void PseudonymStore::RecordStudy(const std::string& pseudonym, const PseudonymStudy& study)
  {
    Statement insert(db_, "INSERT INTO pseudonym_studies "
                           "(pseudonym, original_study_uid, study_uid, set_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    insert.BindText(1, pseudonym).BindText(2, study.originalStudyUid).BindText(3, study.studyUid)
      .BindText(4, study.setId);
    insert.Run();
  }

  bool PseudonymStore::Find(const std::string& pseudonym, PseudonymRecord& record,
                            std::vector<PseudonymStudy>& studies)
  {
    Statement select(db_, std::string("SELECT ") + kColumns + " FROM pseudonyms WHERE pseudonym = ?");
    select.BindText(1, pseudonym);
    if (!select.Step())
    {
      return false;
    }
    record = ReadRecord(select);
    studies.clear();
    Statement list(db_, "SELECT original_study_uid, study_uid, set_id FROM pseudonym_studies "
                         "WHERE pseudonym = ? ORDER BY original_study_uid");
    list.BindText(1, pseudonym);
    while (list.Step())
    {
      PseudonymStudy study;
      study.originalStudyUid = list.ColumnText(0);
      study.studyUid = list.ColumnText(1);
      study.setId = list.ColumnText(2);
      studies.push_back(study);
    }
    return true;
  }
}
