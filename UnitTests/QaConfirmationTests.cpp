// SPDX-License-Identifier: GPL-3.0-or-later
// The image-quality confirmation of a QA test (#17): the record on both
// sides, and the signed and encrypted mail that carries it back.

#include "ReceivingTestSupport.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/QualityAssurance/ConfirmationMailComposer.h"
#include "Core/QualityAssurance/ImageQualityReceipt.h"
#include "Core/Receiving/DicomMailProcessor.h"
#include "Core/Store/ImageQualityConfirmationStore.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/SqliteDatabase.h"

#include <gtest/gtest.h>

using namespace DicomMail;
using namespace ReceivingTest;

namespace
{
  const char* const kTestSetId = "20261207.073000.0a0b0c0d";

  ImageQualityConfirmation MakeConfirmation(const std::string& name = "Dr. Jörg Weiß")
  {
    ImageQualityConfirmation c;
    c.testSetId = kTestSetId;
    c.confirmedBy = name;
    c.confirmedAtMs = 1796628600123;   // 2026-12-07T07:30:00.123Z
    return c;
  }

  void Sent(SqliteDatabase& db, const std::string& setId, const std::string& partner, bool qaTest)
  {
    OutboxTransfer t;
    t.setId = setId;
    t.partner = partner;
    t.recipient = partner + "@example.org";
    t.qaTest = qaTest;
    OutboxStore(db).CreateTransfer(t, {});
  }
}

TEST(QaConfirmation, NamesAreCheckedAndTrimmed)
{
  EXPECT_EQ("Dr. Weiß", ImageQualityConfirmations::CheckName("  Dr. Weiß "));
  EXPECT_THROW(ImageQualityConfirmations::CheckName("   "), Error);
  EXPECT_THROW(ImageQualityConfirmations::CheckName("Dr. A\r\nBcc: x@y"), Error);
  EXPECT_THROW(ImageQualityConfirmations::CheckName(std::string(201, 'a')), Error);
  EXPECT_THROW(ImageQualityConfirmations::CheckName("Dr. \xff\xfe"), Error);
}

TEST(QaConfirmation, StoreKeepsTheFirstConfirmationOnBothSides)
{
  TestSupport::ScratchDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  ImageQualityConfirmationStore store(db);

  GivenImageQualityConfirmation given;
  given.setId = kTestSetId;
  given.partner = "hospital";
  given.confirmedBy = "Dr. A";
  given.confirmedMs = 1000;
  EXPECT_TRUE(store.AddGiven(given));
  given.confirmedBy = "Dr. B";
  EXPECT_FALSE(store.AddGiven(given));
  ASSERT_EQ(1u, store.ListDue(0, 20, 10).size());

  store.MarkReportFailed(kTestSetId, "SMTP server down", 10000);
  GivenImageQualityConfirmation read;
  ASSERT_TRUE(store.GetGiven(kTestSetId, read));
  EXPECT_EQ("Dr. A", read.confirmedBy);
  EXPECT_EQ(0, read.reportedMs);
  EXPECT_EQ("SMTP server down", read.reportError);
  EXPECT_EQ(1u, read.attempts);
  EXPECT_TRUE(store.ListDue(9999, 20, 10).empty()) << "not before its next attempt";
  EXPECT_EQ(1u, store.ListDue(10000, 20, 10).size());
  EXPECT_TRUE(store.ListDue(10000, 1, 10).empty()) << "no more than the attempts allowed";

  store.MarkReported(kTestSetId, 2000);
  store.MarkReportFailed(kTestSetId, "late error", 20000);   // a reported one stays reported
  ASSERT_TRUE(store.GetGiven(kTestSetId, read));
  EXPECT_EQ(2000, read.reportedMs);
  EXPECT_EQ("", read.reportError);
  EXPECT_EQ(1u, read.attempts);
  EXPECT_TRUE(store.ListDue(100000, 20, 10).empty());
  EXPECT_FALSE(store.GetGiven("20261207.073000.ffffffff", read));

  ReportedImageQualityConfirmation reported;
  EXPECT_FALSE(store.GetReported(kTestSetId, reported));
  EXPECT_THROW(store.AddReported(reported), Error);   // no facts
}

TEST(QaConfirmation, SenderRecordsOnlyForItsTestToThatPartner)
{
  TestSupport::ScratchDirectory dir;
  SqliteDatabase db(dir.File("records.db"));
  Sent(db, kTestSetId, "hospital", true);
  Sent(db, "20261207.080000.0a0b0c0e", "hospital", false);   // clinical
  std::string problem;

  EXPECT_FALSE(ImageQualityReceipt::Record(db, "clinic", "FPR", MakeConfirmation(), 5000, problem));
  EXPECT_NE(std::string::npos, problem.find("no QA test sent to partner clinic")) << problem;
  ImageQualityConfirmation unknown = MakeConfirmation();
  unknown.testSetId = "20261207.073000.ffffffff";
  EXPECT_FALSE(ImageQualityReceipt::Record(db, "hospital", "FPR", unknown, 5000, problem));
  unknown.testSetId = "20261207.080000.0a0b0c0e";
  EXPECT_FALSE(ImageQualityReceipt::Record(db, "hospital", "FPR", unknown, 5000, problem)) << "not a QA transfer";

  ImageQualityConfirmationStore store(db);
  ReportedImageQualityConfirmation reported;
  EXPECT_FALSE(store.GetReported(kTestSetId, reported));

  problem.clear();
  EXPECT_TRUE(ImageQualityReceipt::Record(db, "hospital", "FPR", MakeConfirmation(), 5000, problem)) << problem;
  EXPECT_TRUE(ImageQualityReceipt::Record(db, "hospital", "FPR", MakeConfirmation("Other"), 6000, problem));
  ASSERT_TRUE(store.GetReported(kTestSetId, reported));
  EXPECT_EQ("Dr. Jörg Weiß", reported.confirmedBy);   // the first stands
  EXPECT_EQ(1796628600123, reported.confirmedMs);
  EXPECT_EQ(5000, reported.receivedMs);
  EXPECT_EQ("FPR", reported.signerFingerprint);
}

namespace
{
  class QaConfirmationMail : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      sites_ = &Sites::Get();
      trust_.Add(kHospital, "hospital", sites_->hospital.fingerprint);
    }

    // What the hospital sends to the referrer.
    std::string Compose(const ImageQualityConfirmation& confirmation)
    {
      SignedMailAddressing addressing;
      addressing.fromName = "Hospital";
      addressing.fromAddress = kHospital;
      addressing.toAddresses.push_back(kReferrer);
      MailProtection protection;
      protection.recipientFingerprints.push_back(sites_->referrer.fingerprint);
      protection.signerFingerprint = sites_->hospital.fingerprint;
      const std::string path = mails_.File("confirmation-" + std::to_string(counter_++) + ".eml");
      ConfirmationMailComposer::Compose(confirmation, addressing, protection, *sites_->hospital.crypto, path);
      return path;
    }

    ProcessResult Process(const std::string& path)
    {
      DicomMailProcessor processor(*sites_->referrer.crypto, trust_, importer_, work_.GetPath());
      ProcessResult result = processor.Process(path);
      EXPECT_TRUE(work_.List().empty()) << "temporary files left in the working directory";
      EXPECT_TRUE(importer_.records.empty());
      return result;
    }

    Sites* sites_ = nullptr;
    MapTrustPolicy trust_;
    RecordingImporter importer_;
    ScratchDirectory work_;
    ScratchDirectory mails_;
    unsigned int counter_ = 0;
  };
}

TEST_F(QaConfirmationMail, TravelsSignedAndEncryptedAndIsReadBack)
{
  const std::string path = Compose(MakeConfirmation());
  const std::string mail = Files::ReadAll(path, 1000000);
  EXPECT_EQ(std::string::npos, mail.find("X-DICOMMAIL-QA-CONFIRMATION")) << "only inside the encryption";
  EXPECT_EQ(std::string::npos, mail.find(kTestSetId));
  EXPECT_EQ(std::string::npos, mail.find("X-TELEMEDICINE-SETID")) << "it is no transfer";
  EXPECT_NE(std::string::npos, mail.find("multipart/encrypted"));

  const ProcessResult result = Process(path);
  ASSERT_TRUE(result.authenticated) << (result.reasons.empty() ? "" : result.reasons.front());
  EXPECT_EQ("hospital", result.partner);
  ASSERT_TRUE(result.qaConfirmation.present);
  EXPECT_EQ(kTestSetId, result.qaConfirmation.testSetId);
  EXPECT_EQ("Dr. Jörg Weiß", result.qaConfirmation.confirmedBy);
  EXPECT_EQ(1796628600123, result.qaConfirmation.confirmedAtMs);
  EXPECT_EQ(0u, result.dicomParts);
}

TEST_F(QaConfirmationMail, ClearHeaderOfThatNameConfirmsNothing)
{
  // A transfer-less mail whose confirmation header is outside the
  // encryption: the signed entity has none, so nothing is confirmed.
  const std::string entity = "Content-Type: text/plain\r\n\r\nhello\r\n";
  const std::string cipher = EncryptEntity(*sites_->hospital.crypto, sites_->hospital.fingerprint,
                                           { sites_->referrer.fingerprint }, entity);
  const std::string path = mails_.File("clear.eml");
  Files::WriteAll(path, Envelope("X-DICOMMAIL-QA-CONFIRMATION: " + std::string(kTestSetId) + "\r\n" +
                                 OuterHeaders(kHospital), Armor(cipher)));
  const ProcessResult result = Process(path);
  EXPECT_FALSE(result.qaConfirmation.present);
  EXPECT_FALSE(result.IsPositive());
}

TEST_F(QaConfirmationMail, MalformedConfirmationIsRefused)
{
  const std::string entity = "X-DICOMMAIL-QA-CONFIRMATION: " + std::string(kTestSetId) + "\r\n"
    "X-DICOMMAIL-QA-CONFIRMED-BY: Dr. A\r\n"
    "Content-Type: text/plain\r\n\r\nno time\r\n";
  const std::string cipher = EncryptEntity(*sites_->hospital.crypto, sites_->hospital.fingerprint,
                                           { sites_->referrer.fingerprint }, entity);
  const std::string path = mails_.File("malformed.eml");
  Files::WriteAll(path, Envelope(OuterHeaders(kHospital), Armor(cipher)));
  const ProcessResult result = Process(path);
  EXPECT_FALSE(result.qaConfirmation.present);
  EXPECT_EQ(ProcessOutcome::Rejected, result.outcome);
  ASSERT_FALSE(result.reasons.empty());
  EXPECT_NE(std::string::npos, result.reasons.front().find("QA confirmation")) << result.reasons.front();
}
