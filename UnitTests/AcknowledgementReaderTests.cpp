// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReceivingTestSupport.h"

#include "Core/Acknowledgement/AcknowledgementBuilder.h"
#include "Core/Acknowledgement/AcknowledgementComposer.h"
#include "Core/Acknowledgement/AcknowledgementReader.h"
#include "Core/Mime/MimeParser.h"
#include "Core/Receiving/MailClassifier.h"

#include <gtest/gtest.h>

using namespace DicomMail;
using namespace ReceivingTest;

namespace
{
  // The hospital (a sender) reads acknowledgements from the referrer.
  class AcknowledgementReaderTest : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      sites_ = &Sites::Get();
      trust_.Add(kReferrer, "Referrer", sites_->referrer.fingerprint);
      content_.reportingUa = "site-b.test; Orthanc DICOM-Mail 0.1.0";
      content_.finalRecipient = kReferrer;
      content_.originalMessageId = "<0123456789abcdef@site-a.test>";
      content_.disposition = Disposition::DisplayedWarning;
      content_.setId = "20260101.120000.0badcafe";
      content_.setPart = "2";
      content_.detail = "1 instance(s) already stored.";
    }

    std::string Compose(Site& signer, const std::string& from, const std::string& name = "ack.eml")
    {
      const std::string path = dir_.File(name);
      const ComposedAcknowledgement ack = AcknowledgementComposer::Compose(
        content_, from, "Referrer B", kHospital, AcknowledgementComposer::kDefaultSubject,
        signer.fingerprint, *signer.crypto, path);
      EXPECT_EQ(Files::GetSize(path), ack.size);
      EXPECT_FALSE(ack.messageId.empty());
      return path;
    }

    AcknowledgementResult Read(const std::string& path)
    {
      return AcknowledgementReader::Read(path, *sites_->hospital.crypto, trust_);
    }

    Sites* sites_ = nullptr;
    ScratchDirectory dir_;
    MapTrustPolicy trust_;
    AcknowledgementContent content_;
  };
}

TEST_F(AcknowledgementReaderTest, ComposeAndReadRoundTrip)
{
  const std::string path = Compose(sites_->referrer, kReferrer);
  const std::string mail = ReadFile(path);
  EXPECT_TRUE(Contains(mail, "Subject: DICOM-eMail acknowledgement\r\n"));
  EXPECT_TRUE(Contains(mail, "X-TELEMEDICINE-SETID: 20260101.120000.0badcafe\r\n"));
  EXPECT_TRUE(Contains(mail, "X-TELEMEDICINE-SETPART: 2\r\n"));
  EXPECT_TRUE(Contains(mail, "multipart/signed"));
  EXPECT_TRUE(Contains(mail, "micalg=pgp-sha256"));
  EXPECT_TRUE(Contains(mail, "protocol=\"application/pgp-signature\""));
  EXPECT_TRUE(Contains(mail, "-----BEGIN PGP SIGNATURE-----\r\n"));
  EXPECT_TRUE(Contains(mail, "Date: "));
  EXPECT_TRUE(Contains(mail, "Message-ID: <"));
  EXPECT_TRUE(Contains(mail, "From: Referrer B <referrer@site-b.test>"));
  EXPECT_TRUE(Contains(mail, "Content-Type: message/disposition-notification\r\n"));
  EXPECT_TRUE(Contains(mail, "Auto-Submitted: auto-replied\r\n"));

  const MailClassification kind = MailClassifier().Classify(path);
  EXPECT_EQ(MailKind::Acknowledgement, kind.kind);
  EXPECT_TRUE(kind.acknowledgementSigned);

  const AcknowledgementResult ack = Read(path);
  EXPECT_TRUE(ack.valid) << ack.reason;
  EXPECT_EQ("", ack.reason);
  // Every acknowledgement of this site says, inside its signature, that our
  // receiver reads binary parts (#15).
  EXPECT_TRUE(ack.report.readsBinaryParts);
  EXPECT_EQ("Referrer", ack.partner);
  EXPECT_EQ(sites_->referrer.fingerprint, ack.signerFingerprint);
  EXPECT_EQ(kReferrer, ack.fromAddress);
  EXPECT_TRUE(ack.reportParsed);
  EXPECT_EQ(Disposition::DisplayedWarning, ack.report.disposition);
  EXPECT_EQ("<0123456789abcdef@site-a.test>", ack.report.originalMessageId);
  EXPECT_EQ("20260101.120000.0badcafe", ack.report.setId);
  EXPECT_EQ("2", ack.report.setPart);
  EXPECT_EQ(kReferrer, ack.report.finalRecipient);
}

TEST_F(AcknowledgementReaderTest, LfLineEndsStillVerify)
{
  // A mail store that gives the mail back with LF only: canonicalised to CRLF.
  const std::string path = Compose(sites_->referrer, kReferrer);
  std::string mail = ReadFile(path);
  std::string lf;
  for (char c : mail)
  {
    if (c != '\r')
    {
      lf += c;
    }
  }
  Files::WriteAll(path, lf);
  const AcknowledgementResult ack = Read(path);
  EXPECT_TRUE(ack.valid) << ack.reason;
}

TEST_F(AcknowledgementReaderTest, ForgedUnsignedMdn)
{
  const std::string path = dir_.File("forged.eml");
  Files::WriteAll(path, "From: <" + std::string(kReferrer) + ">\r\nSubject: DICOM-eMail acknowledgement\r\n"
                  "MIME-Version: 1.0\r\n" + AcknowledgementBuilder::Build(content_));
  const MailClassification kind = MailClassifier().Classify(path);
  EXPECT_EQ(MailKind::Acknowledgement, kind.kind);
  EXPECT_FALSE(kind.acknowledgementSigned);

  const AcknowledgementResult ack = Read(path);
  EXPECT_FALSE(ack.valid);
  EXPECT_EQ("unsigned acknowledgement", ack.reason);
  EXPECT_TRUE(ack.reportParsed);   // for display only
  EXPECT_EQ(Disposition::DisplayedWarning, ack.report.disposition);
}

TEST_F(AcknowledgementReaderTest, SignedByTheWrongKey)
{
  // The clinic (whose key the hospital certified) signs an MDN claiming to be the referrer.
  const AcknowledgementResult wrong = Read(Compose(sites_->clinic, kReferrer));
  EXPECT_FALSE(wrong.valid);
  EXPECT_TRUE(Contains(wrong.reason, "signed by " + sites_->clinic.fingerprint + " but the sender " +
                       kReferrer + " is partner Referrer")) << wrong.reason;

  // A key the hospital never saw.
  const AcknowledgementResult unknown = Read(Compose(sites_->stranger, kReferrer, "stranger.eml"));
  EXPECT_FALSE(unknown.valid);
  EXPECT_TRUE(Contains(unknown.reason, "signed by unknown key")) << unknown.reason;

  // The right key, but From names nobody the hospital knows.
  const AcknowledgementResult stranger = Read(Compose(sites_->referrer, "someone@else.test", "else.eml"));
  EXPECT_FALSE(stranger.valid);
  EXPECT_TRUE(Contains(stranger.reason, "unknown sender someone@else.test")) << stranger.reason;
}

TEST_F(AcknowledgementReaderTest, TamperedReport)
{
  const std::string path = Compose(sites_->referrer, kReferrer);
  std::string mail = ReadFile(path);
  const size_t at = mail.find("MDN-sent-automatically;displayed/warning");
  ASSERT_NE(std::string::npos, at);
  mail.replace(at, 40, "MDN-sent-automatically;displayed        ");
  Files::WriteAll(path, mail);
  const AcknowledgementResult ack = Read(path);
  EXPECT_FALSE(ack.valid);
  EXPECT_TRUE(Contains(ack.reason, "bad signature")) << ack.reason;
}

TEST_F(AcknowledgementReaderTest, MalformedSignedMail)
{
  const std::string path = dir_.File("broken.eml");
  Files::WriteAll(path, "From: <" + std::string(kReferrer) + ">\r\n"
                  "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"s\"\r\n\r\n"
                  "--s\r\n" + AcknowledgementBuilder::Build(content_) +
                  "\r\n--s\r\nContent-Type: application/pgp-signature\r\n\r\n"
                  "-----BEGIN PGP SIGNATURE-----\r\n\r\nAAAA\r\n-----END PGP SIGNATURE-----\r\n--s--\r\n");
  const AcknowledgementResult ack = Read(path);
  EXPECT_FALSE(ack.valid);
  EXPECT_FALSE(ack.reason.empty());

  Files::WriteAll(path, "From: <" + std::string(kReferrer) + ">\r\n"
                  "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"s\"\r\n\r\n"
                  "--s\r\n" + AcknowledgementBuilder::Build(content_));
  const AcknowledgementResult cut = Read(path);
  EXPECT_FALSE(cut.valid);
  EXPECT_TRUE(Contains(cut.reason, "never closed")) << cut.reason;

  Files::WriteAll(path, "");
  EXPECT_FALSE(Read(path).valid);
}
