// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/ImageQualityConfirmationStore.h"

#include "Core/Common/Error.h"
#include "Core/Store/Statement.h"
#include "Core/Store/StoreSchema.h"

namespace DicomMail
{
  namespace
  {
    const char kGivenColumns[] =
      "set_id, partner, confirmed_by, confirmed_ms, reported_ms, report_error, attempts, next_attempt_ms";
    const char kReportedColumns[] = "set_id, partner, signer, confirmed_by, confirmed_ms, received_ms";

    GivenImageQualityConfirmation ReadGiven(Statement& row)
    {
      GivenImageQualityConfirmation c;
      c.setId = row.ColumnText(0);
      c.partner = row.ColumnText(1);
      c.confirmedBy = row.ColumnText(2);
      c.confirmedMs = row.ColumnInt64(3);
      c.reportedMs = row.ColumnInt64(4);
      c.reportError = row.ColumnText(5);
      c.attempts = static_cast<unsigned int>(row.ColumnInt64(6));
      c.nextAttemptMs = row.ColumnInt64(7);
      return c;
    }

    void RequireFacts(const std::string& setId, const std::string& partner, const std::string& confirmedBy)
    {
      if (setId.empty() || partner.empty() || confirmedBy.empty())
      {
        throw Error(ErrorKind::BadInput, "an image-quality confirmation needs its test, partner and name");
      }
    }
  }

  ImageQualityConfirmationStore::ImageQualityConfirmationStore(Database& db) :
    db_(db)
  {
    StoreSchema::Migrate(db_);
  }

  bool ImageQualityConfirmationStore::AddGiven(const GivenImageQualityConfirmation& c)
  {
    RequireFacts(c.setId, c.partner, c.confirmedBy);
    // The first confirmation stands (SQL both engines accept, #18).
    Statement insert(db_, std::string("INSERT INTO qa_image_quality_given (") + kGivenColumns +
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    insert.BindText(1, c.setId)
      .BindText(2, c.partner)
      .BindText(3, c.confirmedBy)
      .BindInt64(4, c.confirmedMs)
      .BindInt64(5, c.reportedMs)
      .BindText(6, c.reportError)
      .BindInt64(7, c.attempts)
      .BindInt64(8, c.nextAttemptMs);
    return insert.Run() == 1;
  }

  bool ImageQualityConfirmationStore::GetGiven(const std::string& setId, GivenImageQualityConfirmation& out)
  {
    Statement select(db_, std::string("SELECT ") + kGivenColumns +
                           " FROM qa_image_quality_given WHERE set_id = ?");
    select.BindText(1, setId);
    if (!select.Step())
    {
      return false;
    }
    out = ReadGiven(select);
    return true;
  }

  void ImageQualityConfirmationStore::MarkReported(const std::string& setId, int64_t reportedMs)
  {
    Statement update(db_, "UPDATE qa_image_quality_given SET reported_ms = ?, report_error = '' "
                           "WHERE set_id = ?");
    update.BindInt64(1, reportedMs).BindText(2, setId);
    update.Run();
  }

  void ImageQualityConfirmationStore::MarkReportFailed(const std::string& setId, const std::string& error,
                                                       int64_t nextAttemptMs)
  {
    Statement update(db_, "UPDATE qa_image_quality_given SET report_error = ?, attempts = attempts + 1, "
                           "next_attempt_ms = ? WHERE set_id = ? AND reported_ms = 0");
    update.BindText(1, error.substr(0, 1000)).BindInt64(2, nextAttemptMs).BindText(3, setId);
    update.Run();
  }

  std::vector<GivenImageQualityConfirmation> ImageQualityConfirmationStore::ListDue(int64_t nowMs,
                                                                                    unsigned int maxAttempts,
                                                                                    unsigned int limit)
  {
    Statement select(db_, std::string("SELECT ") + kGivenColumns +
                           " FROM qa_image_quality_given WHERE reported_ms = 0 AND next_attempt_ms <= ? "
                           "AND attempts < ? ORDER BY confirmed_ms LIMIT ?");
    select.BindInt64(1, nowMs).BindInt64(2, maxAttempts).BindInt64(3, limit);
    std::vector<GivenImageQualityConfirmation> result;
    while (select.Step())
    {
      result.push_back(ReadGiven(select));
    }
    return result;
  }

  bool ImageQualityConfirmationStore::AddReported(const ReportedImageQualityConfirmation& c)
  {
    RequireFacts(c.setId, c.partner, c.confirmedBy);
    Statement insert(db_, std::string("INSERT INTO qa_image_quality_reported (") +
                           kReportedColumns + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    insert.BindText(1, c.setId)
      .BindText(2, c.partner)
      .BindText(3, c.signerFingerprint)
      .BindText(4, c.confirmedBy)
      .BindInt64(5, c.confirmedMs)
      .BindInt64(6, c.receivedMs);
    return insert.Run() == 1;
  }

  bool ImageQualityConfirmationStore::GetReported(const std::string& setId, ReportedImageQualityConfirmation& out)
  {
    Statement select(db_, std::string("SELECT ") + kReportedColumns +
                           " FROM qa_image_quality_reported WHERE set_id = ?");
    select.BindText(1, setId);
    if (!select.Step())
    {
      return false;
    }
    out.setId = select.ColumnText(0);
    out.partner = select.ColumnText(1);
    out.signerFingerprint = select.ColumnText(2);
    out.confirmedBy = select.ColumnText(3);
    out.confirmedMs = select.ColumnInt64(4);
    out.receivedMs = select.ColumnInt64(5);
    return true;
  }
}
