// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/PartnerCapabilityStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/Statement.h"
#include "Core/Store/Transaction.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/UtcTime.h"

namespace DicomMail
{
  PartnerCapabilityStore::PartnerCapabilityStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  void PartnerCapabilityStore::Learn(const std::string& partner, const std::string& signerFingerprint,
                                     bool readsBinaryParts, const std::string& now)
  {
    if (partner.empty() || signerFingerprint.empty())
    {
      throw Error(ErrorKind::BadInput, "A learned capability needs a partner and the key that signed it");
    }
    if (!readsBinaryParts)
    {
      Forget(partner);
      return;
    }
    UtcTime::Check(now, "the time learned", false);
    Transaction transaction(db_);
    const PartnerCapability known = Get(partner);
    if (known.readsBinaryParts && known.signerFingerprint == signerFingerprint)
    {
      return;   // nothing new: "since" stays the first time it was said
    }
    Statement insert(db_, "INSERT INTO partner_capabilities "
                           "(partner, signer_fingerprint, binary_parts_since) VALUES (?, ?, ?) "
                           "ON CONFLICT (partner) DO UPDATE SET signer_fingerprint = excluded.signer_fingerprint, "
                           "binary_parts_since = excluded.binary_parts_since");
    insert.BindText(1, partner).BindText(2, signerFingerprint).BindText(3, now);
    insert.Run();
    transaction.Commit();
  }

  PartnerCapability PartnerCapabilityStore::Get(const std::string& partner)
  {
    Statement select(db_, "SELECT signer_fingerprint, binary_parts_since FROM partner_capabilities "
                           "WHERE partner = ?");
    select.BindText(1, partner);
    PartnerCapability result;
    if (select.Step())
    {
      result.readsBinaryParts = true;
      result.signerFingerprint = select.ColumnText(0);
      result.since = select.ColumnText(1);
    }
    return result;
  }

  void PartnerCapabilityStore::Forget(const std::string& partner)
  {
    Statement remove(db_, "DELETE FROM partner_capabilities WHERE partner = ?");
    remove.BindText(1, partner);
    remove.Run();
  }
}
