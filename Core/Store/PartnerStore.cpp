// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/PartnerStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"

namespace DicomMail
{
  namespace
  {
    const char kColumns[] =
      "name, addresses, fingerprint, max_mail_size, acknowledgements, compression, display_name, notices, "
      "transfer_syntax, pseudonymise";

    PartnerRecord ReadPartner(Statement& row)
    {
      PartnerRecord record;
      record.name = row.ColumnText(0);
      record.addresses = row.ColumnStringList(1);
      record.fingerprint = row.ColumnText(2);
      record.maxMailSize = row.ColumnUint64(3);
      record.acknowledgements = row.ColumnBool(4);
      record.compression = row.ColumnBool(5);
      record.displayName = row.ColumnText(6);
      record.notices = NoticeSettings::FromText(row.ColumnText(7));
      record.transferSyntax = row.ColumnText(8);
      record.pseudonymise = row.ColumnBool(9);
      return record;
    }
  }

  PartnerStore::PartnerStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  std::vector<PartnerRecord> PartnerStore::List()
  {
    Statement select(db_, std::string("SELECT ") + kColumns + " FROM partners ORDER BY name");
    std::vector<PartnerRecord> result;
    while (select.Step())
    {
      result.push_back(ReadPartner(select));
    }
    return result;
  }

  bool PartnerStore::Get(const std::string& name, PartnerRecord& out)
  {
    Statement select(db_, std::string("SELECT ") + kColumns + " FROM partners WHERE name = ?");
    select.BindText(1, name);
    if (!select.Step())
    {
      return false;
    }
    out = ReadPartner(select);
    return true;
  }

  void PartnerStore::Put(const PartnerRecord& record)
  {
    if (record.name.empty())
    {
      throw Error(ErrorKind::BadInput, "A partner needs a name");
    }
    Statement insert(db_, std::string("INSERT INTO partners (") + kColumns +
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                           "addresses = excluded.addresses, fingerprint = excluded.fingerprint, "
                           "max_mail_size = excluded.max_mail_size, acknowledgements = excluded.acknowledgements, "
                           "compression = excluded.compression, display_name = excluded.display_name, "
                           "notices = excluded.notices, transfer_syntax = excluded.transfer_syntax, "
                           "pseudonymise = excluded.pseudonymise");
    insert.BindText(1, record.name)
      .BindStringList(2, record.addresses)
      .BindText(3, record.fingerprint)
      .BindUint64(4, record.maxMailSize)
      .BindBool(5, record.acknowledgements)
      .BindBool(6, record.compression)
      .BindText(7, record.displayName)
      .BindText(8, record.notices.ToText())
      .BindText(9, record.transferSyntax)
      .BindBool(10, record.pseudonymise);
    insert.Run();
  }

  bool PartnerStore::Remove(const std::string& name)
  {
    Statement remove(db_, "DELETE FROM partners WHERE name = ?");
    remove.BindText(1, name);
    return remove.Run() > 0;
  }
}
