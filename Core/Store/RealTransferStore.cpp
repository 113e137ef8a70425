// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/RealTransferStore.h"

#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"
#include "Core/Store/UtcTime.h"
#include "Core/Transfer/InboxState.h"
#include "Core/Transfer/TransferState.h"

namespace DicomMail
{
  namespace
  {
    int64_t MillisOf(const std::string& utcTime)
    {
      return utcTime.empty() ? 0 : UtcTime::ToUnix(utcTime) * 1000;
    }
  }

  RealTransferStore::RealTransferStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  std::vector<RealTransferSample> RealTransferStore::Sent(const std::string& partner, const std::string& from,
                                                          const std::string& to)
  {
    // The end is the last receiver completion, and only when every mail
    // carried one (MIN > 0): a partner that reports none is not timed.
    Statement select(db_,
      "SELECT t.created, t.created_ms, t.total_bytes, t.total_mails, "
      "COALESCE(MIN(m.receiver_completed_ms), 0), COALESCE(MAX(m.receiver_completed_ms), 0), "
      "COALESCE(SUM(CASE WHEN m.state IN (?5, ?6) THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN m.state = ?5 THEN 1 ELSE 0 END), 0) "
      "FROM outbox_transfers t LEFT JOIN outbox_mails m ON m.set_id = t.set_id "
      "WHERE t.partner = ?1 AND t.created >= ?2 AND t.created < ?3 AND t.qa_test = 0 "
      "AND t.ack_requested = ?4 AND t.state IN (?7, ?8) "
      "GROUP BY t.set_id, t.created, t.created_ms, t.total_bytes, t.total_mails");
    select.BindText(1, partner)
      .BindText(2, from)
      .BindText(3, to)
      .BindBool(4, true)
      .BindText(5, ToString(MailState::Acknowledged))
      .BindText(6, ToString(MailState::Warning))
      .BindText(7, ToString(TransferState::Acknowledged))
      .BindText(8, ToString(TransferState::Failed));
    std::vector<RealTransferSample> samples;
    while (select.Step())
    {
      RealTransferSample s;
      s.startMs = select.ColumnInt64(1);   // 0 in records from before schema 18
      s.atMs = s.startMs != 0 ? s.startMs : MillisOf(select.ColumnText(0));
      s.bytes = select.ColumnUint64(2);
      s.mails = static_cast<unsigned int>(select.ColumnUint64(3));
      const int64_t firstEnd = select.ColumnInt64(4);
      s.mailsArrived = static_cast<unsigned int>(select.ColumnUint64(6));
      s.complete = s.mails > 0 && select.ColumnUint64(7) == s.mails;
      s.endMs = firstEnd > 0 && s.mailsArrived == s.mails ? select.ColumnInt64(5) : 0;
      samples.push_back(s);
    }
    return samples;
  }

  std::vector<RealTransferSample> RealTransferStore::Received(const std::string& partner, const std::string& from,
                                                              const std::string& to)
  {
    Statement select(db_,
      "SELECT first_received, sender_date, completed_ms, bytes, mails_expected, mails_received, state "
      "FROM inbox_transfers "
      "WHERE partner = ?1 AND first_received >= ?2 AND first_received < ?3 AND qa_test = 0 "
      "AND state IN (?4, ?5, ?6)");
    select.BindText(1, partner)
      .BindText(2, from)
      .BindText(3, to)
      .BindText(4, ToString(InboxTransferState::Complete))
      .BindText(5, ToString(InboxTransferState::CompleteWithWarnings))
      .BindText(6, ToString(InboxTransferState::Failed));
    std::vector<RealTransferSample> samples;
    while (select.Step())
    {
      RealTransferSample s;
      s.atMs = MillisOf(select.ColumnText(0));
      s.startMs = MillisOf(select.ColumnText(1));   // the sender's clock, whole seconds: all we are told
      s.bytes = select.ColumnUint64(3);
      s.mails = static_cast<unsigned int>(select.ColumnUint64(4));
      s.mailsArrived = static_cast<unsigned int>(select.ColumnUint64(5));
      s.complete = select.ColumnText(6) == ToString(InboxTransferState::Complete);
      s.endMs = s.mailsArrived >= s.mails ? select.ColumnInt64(2) : 0;
      samples.push_back(s);
    }
    return samples;
  }
}
