// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReceivingTestSupport.h"

#include "Core/Acknowledgement/AcknowledgementDisposition.h"
#include "Core/Common/Files.h"
#include "Core/Mime/TextEncoding.h"
#include "Core/QualityAssurance/QaTestSeries.h"
#include "Core/Receiving/DicomMailProcessor.h"
#include "Core/Sending/MailComposer.h"
#include "Core/Transfer/EncodedSizeModel.h"
#include "Core/Transfer/SetId.h"

#include <fstream>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

using namespace DicomMail;
using namespace ReceivingTest;

namespace
{
  class ReceivingProcessor : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      sites_ = &Sites::Get();
      work_.reset(new ScratchDirectory);
      mails_.reset(new ScratchDirectory);
      trust_.Add(kHospital, "Hospital", sites_->hospital.fingerprint);
      trust_.Add(kClinic, "Clinic", sites_->clinic.fingerprint);
      trust_.Add(kNewcomer, "Newcomer", sites_->newcomer.fingerprint);
      ct_ = ReadFile(kCtSmall);
      mr_ = ReadFile(kMrSmall);
      importer_.watchedDirectory = work_->GetPath();
    }

    ProcessResult ProcessFile(const std::string& path)
    {
      DicomMailProcessor processor(*sites_->referrer.crypto, trust_, importer_, work_->GetPath(), limits_);
      ProcessResult result = processor.Process(path);
      EXPECT_TRUE(work_->List().empty()) << "temporary files left in the working directory";
      EXPECT_EQ(ToDisposition(result.outcome), result.disposition);
      for (const std::string& r : result.reasons)
      {
        EXPECT_TRUE(TextEncoding::IsValidUtf8(r)) << r;
      }
      return result;
    }

    ProcessResult ProcessMail(const std::string& mail)
    {
      const std::string path = mails_->File("mail-" + std::to_string(counter_++) + ".eml");
      Files::WriteAll(path, mail);
      return ProcessFile(path);
    }

    // A mail signed by "from"'s site and encrypted to the referrer.
    std::string SignedMail(Site& signer, const std::string& from, const std::string& entity,
                           const std::string& outer = "")
    {
      const std::string cipher = EncryptEntity(*signer.crypto, signer.fingerprint,
                                               { sites_->referrer.fingerprint }, entity);
      return Envelope(outer.empty() ? OuterHeaders(from) : outer, Armor(cipher));
    }

    // A well-formed entity with CT_small (and MR_small), set headers and manifest.
    std::string GoodEntity(const std::string& setId = "20260101.120000.0badcafe", bool withMr = true)
    {
      std::vector<TestPart> parts = { DicomPart(ct_, "IM000001.dcm") };
      std::vector<std::string> entries = { ManifestEntry("1.2.3.1", ct_, "IM000001.dcm") };
      if (withMr)
      {
        parts.push_back(DicomPart(mr_, "IM000002.dcm"));
        entries.push_back(ManifestEntry("1.2.3.2", mr_, "IM000002.dcm"));
      }
      parts.push_back(ManifestPart(setId, 1, 1, entries, ct_.size() + (withMr ? mr_.size() : 0)));
      return MixedEntity(InnerSetHeaders(setId, "1", "1"), parts);
    }

    static std::string AllReasons(const ProcessResult& result)
    {
      std::string all;
      for (const std::string& r : result.reasons)
      {
        all += r + " | ";
      }
      return all;
    }

    void ExpectNothingImported(const ProcessResult& result)
    {
      EXPECT_TRUE(importer_.records.empty()) << AllReasons(result);
      EXPECT_EQ(0u, result.stored);
      EXPECT_EQ(0u, result.alreadyStored);
      EXPECT_TRUE(result.importedSopInstanceUids.empty());
    }

    void ExpectOutcome(const ProcessResult& result, ProcessOutcome outcome, const std::string& reasonPart)
    {
      EXPECT_EQ(ToString(outcome), std::string(ToString(result.outcome))) << AllReasons(result);
      ASSERT_FALSE(result.reasons.empty());
      EXPECT_TRUE(Contains(result.reasons.front(), reasonPart))
        << "reason \"" << result.reasons.front() << "\" does not name \"" << reasonPart << "\"";
    }

    // A mail whose one DICOM part is "zeroBytes" zeros, compressed to little.
    std::string ZeroBombMail(Site& signer, uint64_t zeroBytes, size_t& cipherBytes)
    {
      ZeroSource zeros(InnerSetHeaders("bomb", "1", "1") + "Content-Type: application/dicom\r\n\r\n", zeroBytes);
      StringSink cipher;
      signer.crypto->EncryptAndSign(zeros, cipher, { sites_->referrer.fingerprint }, signer.fingerprint, true, false);
      cipherBytes = cipher.GetContent().size();
      return Envelope(OuterHeaders(kHospital, "bomb"), Armor(cipher.GetContent()));
    }

    Sites* sites_ = nullptr;
    std::unique_ptr<ScratchDirectory> work_;
    std::unique_ptr<ScratchDirectory> mails_;
    MapTrustPolicy trust_;
    RecordingImporter importer_;
    ReceiveLimits limits_;
    std::string ct_, mr_;
    unsigned int counter_ = 0;
  };
}

TEST_F(ReceivingProcessor, RoundTripWithMailComposer)
{
  DiskInstanceSource source;
  MailComposer composer(*sites_->hospital.crypto, source);
  MailEnvelope envelope;
  envelope.fromAddress = kHospital;
  envelope.fromName = "Hospital A";
  envelope.toAddress = kReferrer;
  envelope.setId = SetId::Generate(1790000000);
  envelope.part = 2;
  envelope.total = 3;
  envelope.dispositionNotificationTo = kHospital;
  envelope.date = 1790000000;
  SetTotals totals;
  totals.instances = 2;
  totals.bytes = ct_.size() + mr_.size();
  MailProtection protection;
  protection.recipientFingerprints = { sites_->referrer.fingerprint };
  protection.signerFingerprint = sites_->hospital.fingerprint;

  const std::string path = mails_->File("composed.eml");
  const ComposedMail mail = composer.Compose(envelope, { { kCtSmall, "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322" },
                                                         { kMrSmall, "1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457" } },
                                             totals, protection, path);

  const ProcessResult result = ProcessFile(path);
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);
  EXPECT_EQ(Disposition::Displayed, result.disposition);
  EXPECT_TRUE(result.reasons.empty()) << AllReasons(result);
  EXPECT_EQ(envelope.setId, result.setId);
  EXPECT_EQ(2u, result.part);
  EXPECT_EQ(3u, result.total);
  EXPECT_TRUE(result.innerSetHeaders);
  EXPECT_FALSE(result.setIdDerived);
  EXPECT_EQ(mail.messageId, result.messageId);
  EXPECT_EQ(kHospital, result.fromAddress);
  EXPECT_EQ(kHospital, result.dispositionNotificationTo);
  EXPECT_EQ("Hospital", result.partner);
  EXPECT_EQ(sites_->hospital.fingerprint, result.signerFingerprint);
  EXPECT_EQ(1790000000, result.senderDate);
  EXPECT_TRUE(result.hasManifest);
  EXPECT_EQ(2u, result.dicomParts);
  EXPECT_EQ(2u, result.stored);
  EXPECT_EQ(0u, result.failed);
  EXPECT_EQ(ct_.size() + mr_.size(), result.dicomBytes);
  EXPECT_EQ(mail.size, result.mailBytes);
  EXPECT_GT(result.plaintextBytes, result.dicomBytes);

  ASSERT_EQ(2u, importer_.records.size());
  EXPECT_TRUE(importer_.records[0].content == ct_);   // byte-identical
  EXPECT_TRUE(importer_.records[1].content == mr_);
  EXPECT_EQ("IM000001.dcm", importer_.records[0].context.partName);
  EXPECT_EQ("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322", importer_.records[0].context.sopInstanceUid);
  EXPECT_EQ(envelope.setId, importer_.records[1].context.setId);
  EXPECT_EQ(sites_->hospital.fingerprint, importer_.records[1].context.signerFingerprint);
  EXPECT_EQ("Hospital", importer_.records[1].context.partnerName);
  EXPECT_EQ(Sha256::OfString(mr_), importer_.records[1].context.sha256);
  for (const auto& r : importer_.records)
  {
    // Small parts go from gpg to Orthanc in memory: no decrypted image
    // is ever in the working directory (#15).
    EXPECT_TRUE(r.filesThere.empty()) << r.filesThere.size() << " files, the first " << r.filesThere[0];
  }
  ASSERT_EQ(2u, result.importedSopInstanceUids.size());
  EXPECT_EQ("1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457", result.importedSopInstanceUids[1]);
}

// DicomPartEncoding "binary": the file travels unencoded inside the
// encrypted entity. Its bytes must survive whatever they contain: CRLF,
// lines that look like boundaries or the SMTP end marker, NULs, and
// stretches far longer than any line limit.
TEST_F(ReceivingProcessor, RoundTripWithBinaryDicomParts)
{
  std::string dicom(128, '\0');
  dicom += "DICM";
  uint32_t state = 12345;
  while (dicom.size() < 300000)
  {
    state = state * 1103515245u + 12345u;
    dicom.push_back(static_cast<char>(state >> 24));
  }
  dicom += "\r\n--\r\n.\r\n\r\n--=_\r\n\n--\n" + std::string(100000, 'x') + "\r\n";
  const std::string dicomPath = mails_->File("binary.dcm");
  {
    std::ofstream out(dicomPath, std::ios::binary);
    out << dicom;
  }

  DiskInstanceSource source;
  MailComposer composer(*sites_->hospital.crypto, source);
  MailEnvelope envelope;
  envelope.fromAddress = kHospital;
  envelope.toAddress = kReferrer;
  envelope.setId = SetId::Generate(1790000000);
  envelope.dispositionNotificationTo = kHospital;
  SetTotals totals;
  totals.instances = 1;
  totals.bytes = dicom.size();
  MailProtection protection;
  protection.recipientFingerprints = { sites_->referrer.fingerprint };
  protection.signerFingerprint = sites_->hospital.fingerprint;
  protection.compress = false;   // sizes below then show the encoding

  const ComposedMail asBase64 = composer.Compose(envelope, { { dicomPath, "1.2.3.4" } }, totals, protection,
                                                 mails_->File("base64.eml"));
  envelope.binaryDicomParts = true;
  const std::string path = mails_->File("binary.eml");
  const ComposedMail asBinary = composer.Compose(envelope, { { dicomPath, "1.2.3.4" } }, totals, protection, path);
  EXPECT_LT(asBinary.size, asBase64.size * 80 / 100);
  // The packer's estimate stays an upper bound (uncompressed is its worst case).
  EncodedSizeModel::Parameters binaryModel;
  binaryModel.binaryParts = true;
  EXPECT_LE(asBinary.size, EncodedSizeModel(binaryModel).EstimateMailSize({ dicom.size() }));
  EXPECT_LE(asBase64.size, EncodedSizeModel().EstimateMailSize({ dicom.size() }));
  EXPECT_GT(asBase64.size, EncodedSizeModel(binaryModel).EstimateMailSize({ dicom.size() }));

  const ProcessResult result = ProcessFile(path);
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);
  EXPECT_TRUE(result.reasons.empty()) << AllReasons(result);
  EXPECT_EQ(1u, result.dicomParts);
  ASSERT_EQ(1u, importer_.records.size());
  EXPECT_TRUE(importer_.records[0].content == dicom);   // byte-identical
}

// The two halves the poller overlaps: nothing reaches the importer before
// ImportPrepared(), which may run on another thread; a refused mail is final
// after Prepare() and leaves no temporary file.
TEST_F(ReceivingProcessor, PrepareThenImportOnAnotherThread)
{
  const std::string good = mails_->File("good.eml");
  Files::WriteAll(good, SignedMail(sites_->hospital, kHospital, GoodEntity()));
  DicomMailProcessor processor(*sites_->referrer.crypto, trust_, importer_, work_->GetPath(), limits_);

  ProcessResult result = processor.Prepare(good);
  ASSERT_TRUE(processor.IsReadyToImport()) << AllReasons(result);
  EXPECT_TRUE(importer_.records.empty());
  EXPECT_TRUE(work_->List().empty());   // the checked instances wait in memory
  EXPECT_EQ("Hospital", result.partner);

  std::thread importer([&] { processor.ImportPrepared(result); });
  importer.join();
  EXPECT_FALSE(processor.IsReadyToImport());
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);
  EXPECT_EQ(Disposition::Displayed, result.disposition);
  EXPECT_EQ(2u, result.stored);
  ASSERT_EQ(2u, importer_.records.size());
  EXPECT_TRUE(importer_.records[0].content == ct_);
  EXPECT_THROW(processor.ImportPrepared(result), Error);   // once only

  const std::string unsigned_ = mails_->File("unsigned.eml");
  Files::WriteAll(unsigned_, "From: <" + std::string(kHospital) + ">\r\nSubject: x\r\n\r\nnot encrypted\r\n");
  const ProcessResult refused = processor.Prepare(unsigned_);
  EXPECT_FALSE(processor.IsReadyToImport());
  EXPECT_EQ(ProcessOutcome::Rejected, refused.outcome);
  EXPECT_EQ(ToDisposition(refused.outcome), refused.disposition);
  EXPECT_EQ(2u, importer_.records.size());
}

// A mail's parts beyond its memory budget wait in temporary files: the CT
// fits, the MR does not; both arrive byte-identical, and no file is left.
TEST_F(ReceivingProcessor, PartsBeyondTheMemoryBudgetWaitInFiles)
{
  limits_.partsInMemoryBytes = ct_.size() + mr_.size() / 2;
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, GoodEntity()));
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);
  ASSERT_EQ(2u, importer_.records.size());
  EXPECT_TRUE(importer_.records[0].content == ct_);
  EXPECT_TRUE(importer_.records[1].content == mr_);
  for (const auto& r : importer_.records)
  {
    ASSERT_EQ(1u, r.filesThere.size());   // the MR's, until it is imported
    EXPECT_EQ(0u, r.filesThere[0].find("dm-"));
  }

  importer_.records.clear();
  limits_.partsInMemoryBytes = 0;   // every part in a file
  const ProcessResult none = ProcessMail(SignedMail(sites_->hospital, kHospital, GoodEntity()));
  EXPECT_EQ(ProcessOutcome::Imported, none.outcome) << AllReasons(none);
  ASSERT_EQ(2u, importer_.records.size());
  EXPECT_TRUE(importer_.records[1].content == mr_);
  EXPECT_EQ(2u, importer_.records[0].filesThere.size());
  EXPECT_EQ(1u, importer_.records[1].filesThere.size());   // the CT's went with its import
}

TEST_F(ReceivingProcessor, AlreadyStoredGivesAWarningDisposition)
{
  importer_.alreadyStoredHashes.push_back(Sha256::OfString(ct_));
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, GoodEntity()));
  ExpectOutcome(result, ProcessOutcome::ImportedWithWarnings, "already stored");
  EXPECT_EQ(Disposition::DisplayedWarning, result.disposition);
  EXPECT_EQ(1u, result.stored);
  EXPECT_EQ(1u, result.alreadyStored);
  EXPECT_EQ(2u, result.importedSopInstanceUids.size());
}

TEST_F(ReceivingProcessor, ImporterFailureIsRetryableAndLocal)
{
  importer_.fail = true;
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, GoodEntity()));
  ExpectOutcome(result, ProcessOutcome::Failed, "import of IM000001.dcm failed: Orthanc answered 507");
  EXPECT_EQ(Disposition::DeletedError, result.disposition);
  EXPECT_TRUE(result.localFailure);
  EXPECT_EQ(2u, result.failed);
}

TEST_F(ReceivingProcessor, ExtraNonDicomPartsAreIgnoredWithAWarning)
{
  const std::string entity = MixedEntity(InnerSetHeaders("S1", "1", "1"),
    { DicomPart(ct_, "IM000001.dcm"),
      TestPart{ "Content-Type: application/pdf; name=\"report.pdf\"\r\nX-TELEMEDICINE-STUDYID: 1.2.3\r\n"
                "Content-Transfer-Encoding: base64\r\n", Base64::Encode("%PDF-1.4 not really", 76) },
      TestPart{ "Content-Type: application/octet-stream; name=\"notes.bin\"\r\nContent-Transfer-Encoding: base64\r\n",
                Base64::Encode(std::string(300, 'n'), 76) } });
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, entity,
                                                      OuterHeaders(kHospital, "S1")));
  ExpectOutcome(result, ProcessOutcome::ImportedWithWarnings, "ignored part 2 (application/pdf)");
  EXPECT_EQ(2u, result.ignoredParts);
  EXPECT_FALSE(result.hasManifest);
  ASSERT_EQ(1u, importer_.records.size());
  EXPECT_TRUE(importer_.records[0].content == ct_);
}

TEST_F(ReceivingProcessor, OctetStreamDicomWithoutManifestIsAccepted)
{
  // Another vendor: no manifest, the DICOM file as application/octet-stream.
  const std::string entity = MixedEntity(InnerSetHeaders("vendor.7", "1", "2"),
    { TestPart{ "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n",
                Base64::Encode(mr_, 76) } });
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, entity,
                                                      OuterHeaders(kHospital, "vendor.7", "1", "2")));
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);
  EXPECT_EQ("vendor.7", result.setId);
  EXPECT_EQ(2u, result.total);
  ASSERT_EQ(1u, importer_.records.size());
  EXPECT_TRUE(importer_.records[0].content == mr_);
  EXPECT_EQ("", importer_.records[0].context.sopInstanceUid);
}

TEST_F(ReceivingProcessor, PlainPgpMimeMailClientMail)
{
  // docs/wire-format.md §6: no X-TELEMEDICINE-*, no manifest, a text part, the
  // name only in Content-Disposition, also encrypted to the sender.
  const std::string entity =
    "Content-Type: multipart/mixed; boundary=\"mua\"\r\n"
    "Subject: the real subject, protected\r\n\r\n"
    "--mua\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDear colleague, the images.\r\n"
    "--mua\r\nContent-Type: application/dicom\r\nContent-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename=\"ct scan.dcm\"\r\n\r\n" + Base64::Encode(ct_, 76) + "\r\n"
    "--mua--\r\n";
  const std::string cipher = EncryptEntity(*sites_->hospital.crypto, sites_->hospital.fingerprint,
                                           { sites_->referrer.fingerprint }, entity, true);
  const std::string messageId = "<thunderbird-42@site-a.test>";
  const ProcessResult result = ProcessMail(Envelope(OuterHeaders(kHospital, "", "", "", messageId), Armor(cipher)));
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);
  EXPECT_TRUE(result.setIdDerived);
  EXPECT_EQ(DicomMailProcessor::DeriveSetId(messageId), result.setId);
  EXPECT_EQ(0u, result.setId.find("mail."));
  EXPECT_EQ(21u, result.setId.size());
  EXPECT_TRUE(SetId::IsValid(result.setId));
  EXPECT_EQ(1u, result.part);
  EXPECT_EQ(1u, result.total);
  ASSERT_EQ(1u, importer_.records.size());
  EXPECT_TRUE(importer_.records[0].content == ct_);
  EXPECT_EQ("", importer_.records[0].context.partName);   // "ct scan.dcm" is not a safe DICOM file id
}

TEST_F(ReceivingProcessor, SignThenEncrypt)
{
  // RFC 3156 §6.1: inner multipart/signed, encryption without signature.
  const std::string signedEntity = GoodEntity("S2", false);
  StringSink signature;
  StringSource data(signedEntity);
  sites_->hospital.crypto->Sign(data, signature, sites_->hospital.fingerprint);
  const std::string entity =
    "Content-Type: multipart/signed; micalg=pgp-sha512; protocol=\"application/pgp-signature\"; boundary=\"sig\"\r\n"
    "\r\n--sig\r\n" + signedEntity + "\r\n--sig\r\n"
    "Content-Type: application/pgp-signature\r\n\r\n" + signature.GetContent() + "\r\n--sig--\r\n";
  const std::string cipher = EncryptUnsigned(sites_->hospital.home->GetPath(), sites_->referrer.fingerprint,
                                             entity, *mails_);
  const ProcessResult result = ProcessMail(Envelope(OuterHeaders(kHospital, "S2"), Armor(cipher)));
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);
  EXPECT_TRUE(result.signThenEncrypt);
  EXPECT_EQ(sites_->hospital.fingerprint, result.signerFingerprint);
  ASSERT_EQ(1u, importer_.records.size());
  EXPECT_TRUE(importer_.records[0].content == ct_);

  // The same with the signed part altered after signing: not imported.
  importer_.records.clear();
  std::string tampered = entity;
  tampered.replace(tampered.find("X-TELEMEDICINE-SETPART: 1"), 25, "X-TELEMEDICINE-SETPART: 2");
  tampered.replace(tampered.find("X-TELEMEDICINE-SETTOTAL: 1"), 26, "X-TELEMEDICINE-SETTOTAL: 2");
  const std::string cipher2 = EncryptUnsigned(sites_->hospital.home->GetPath(), sites_->referrer.fingerprint,
                                              tampered, *mails_);
  const ProcessResult bad = ProcessMail(Envelope(OuterHeaders(kHospital, "S2", "2", "2"), Armor(cipher2)));
  ExpectOutcome(bad, ProcessOutcome::Rejected, "bad signature");
  ExpectNothingImported(bad);
}

TEST_F(ReceivingProcessor, BinaryPayloadIsAcceptedLiberally)
{
  const std::string cipher = EncryptEntity(*sites_->hospital.crypto, sites_->hospital.fingerprint,
                                           { sites_->referrer.fingerprint }, GoodEntity());
  const std::string mail = OuterHeaders(kHospital) +
    "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"b\"\r\n\r\n"
    "--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
    "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
    Base64::Encode(cipher, 76) + "\r\n--b--\r\n";
  const ProcessResult result = ProcessMail(mail);
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);
  EXPECT_EQ(2u, importer_.records.size());
}

// ---- Hostile input ----

TEST_F(ReceivingProcessor, GarbageOpenPgp)
{
  std::string garbage;
  for (int i = 0; i < 5000; i++)
  {
    garbage += static_cast<char>((i * 7919) % 251);
  }
  const ProcessResult result = ProcessMail(Envelope(OuterHeaders(kHospital), Armor(garbage)));
  ExpectOutcome(result, ProcessOutcome::Rejected, "cannot decrypt");
  EXPECT_EQ(Disposition::Deleted, result.disposition);
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, TruncatedOpenPgp)
{
  const std::string cipher = EncryptEntity(*sites_->hospital.crypto, sites_->hospital.fingerprint,
                                           { sites_->referrer.fingerprint }, GoodEntity());
  const ProcessResult result = ProcessMail(Envelope(OuterHeaders(kHospital), Armor(cipher.substr(0, cipher.size() / 2))));
  ExpectOutcome(result, ProcessOutcome::Rejected, "cannot decrypt");
  ExpectNothingImported(result);

  // Armor cut before its END line: damaged in transit, sending again may help.
  const std::string armored = Armor(cipher);
  const ProcessResult cut = ProcessMail(Envelope(OuterHeaders(kHospital), armored.substr(0, armored.size() / 2)));
  ExpectOutcome(cut, ProcessOutcome::Failed, "damaged in transit");
  EXPECT_TRUE(Contains(cut.reasons.front(), "no END line"));
  EXPECT_FALSE(cut.localFailure);
  ExpectNothingImported(cut);
}

TEST_F(ReceivingProcessor, FlippedByteInCiphertext)
{
  std::string cipher = EncryptEntity(*sites_->hospital.crypto, sites_->hospital.fingerprint,
                                     { sites_->referrer.fingerprint }, GoodEntity());
  // In the armored text: the CRC-24 catches it (damage in transit).
  std::string armored = Armor(cipher);
  const size_t position = armored.find("\r\n\r\n") + 100;
  armored[position] = armored[position] == 'A' ? 'B' : 'A';
  const ProcessResult transit = ProcessMail(Envelope(OuterHeaders(kHospital), armored));
  ExpectOutcome(transit, ProcessOutcome::Failed, "CRC-24 mismatch");
  ExpectNothingImported(transit);

  // In the binary data before armoring (valid CRC): gpg's integrity check.
  // Three places: a flip may fall on a length octet of gpg's partial-length
  // framing, which is not encrypted, and where gpg cuts its output into
  // chunks depends on how its input arrived.
  for (size_t fromEnd : { 300, 1000, 5000 })
  {
    cipher[cipher.size() - fromEnd] ^= 0x01;
  }
  const ProcessResult tampered = ProcessMail(Envelope(OuterHeaders(kHospital), Armor(cipher)));
  ExpectOutcome(tampered, ProcessOutcome::Rejected, "cannot decrypt");
  ExpectNothingImported(tampered);
}

TEST_F(ReceivingProcessor, EncryptedToAnotherKey)
{
  const std::string cipher = EncryptEntity(*sites_->hospital.crypto, sites_->hospital.fingerprint,
                                           { sites_->clinic.fingerprint }, GoodEntity());
  const ProcessResult result = ProcessMail(Envelope(OuterHeaders(kHospital), Armor(cipher)));
  ExpectOutcome(result, ProcessOutcome::Rejected, "cannot decrypt: no secret key");
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, UnsignedIsQuarantined)
{
  const std::string cipher = EncryptUnsigned(sites_->hospital.home->GetPath(), sites_->referrer.fingerprint,
                                             GoodEntity(), *mails_);
  const ProcessResult result = ProcessMail(Envelope(OuterHeaders(kHospital), Armor(cipher)));
  ExpectOutcome(result, ProcessOutcome::Quarantined, "unsigned");
  EXPECT_EQ(Disposition::Deleted, result.disposition);
  // Not authenticated: no partner, no transfer, the clear SETID a claim.
  EXPECT_FALSE(result.authenticated);
  EXPECT_EQ("", result.partner);
  EXPECT_EQ("", result.setId);
  EXPECT_EQ("20260101.120000.0badcafe", result.claimedSetId);
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, SignedByUnknownKey)
{
  const ProcessResult result = ProcessMail(SignedMail(sites_->stranger, kHospital, GoodEntity()));
  ExpectOutcome(result, ProcessOutcome::Quarantined, "signed by unknown key " + sites_->stranger.fingerprint);
  ExpectNothingImported(result);

  // From a stranger's address as well: both reasons, and no quarantine
  // (a copy kept for anyone who writes would fill the disk).
  const ProcessResult unknown = ProcessMail(SignedMail(sites_->stranger, kStranger, GoodEntity()));
  ExpectOutcome(unknown, ProcessOutcome::Rejected, "signed by unknown key");
  ASSERT_EQ(3u, unknown.reasons.size());
  EXPECT_EQ(std::string("unknown sender ") + kStranger, unknown.reasons[1]);
  EXPECT_EQ("not quarantined: the From address is not a partner's", unknown.reasons[2]);
  EXPECT_EQ("", unknown.partner);
  ExpectNothingImported(unknown);
}

TEST_F(ReceivingProcessor, SignedByUncertifiedKey)
{
  const ProcessResult result = ProcessMail(SignedMail(sites_->newcomer, kNewcomer, GoodEntity()));
  ExpectOutcome(result, ProcessOutcome::Quarantined, "key " + sites_->newcomer.fingerprint + " not certified");
  EXPECT_FALSE(result.authenticated);
  EXPECT_EQ("", result.partner);
  EXPECT_EQ("", result.signerFingerprint);
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, UnknownSenderWithValidSignature)
{
  trust_ = MapTrustPolicy();   // the receiver forgot every partner: From is nobody's now
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, GoodEntity()));
  ExpectOutcome(result, ProcessOutcome::Rejected, std::string("unknown sender ") + kHospital);
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, SignerIsNotTheFromPartner)
{
  // The clinic's valid, certified key, but From says hospital.
  const ProcessResult result = ProcessMail(SignedMail(sites_->clinic, kHospital, GoodEntity()));
  ExpectOutcome(result, ProcessOutcome::Quarantined,
                "signed by " + sites_->clinic.fingerprint + " but the sender " + kHospital +
                " is partner Hospital whose key is " + sites_->hospital.fingerprint);
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, InnerAndOuterHeadersDiffer)
{
  const std::string entity = MixedEntity(InnerSetHeaders("20260101.120000.0badcafe", "2", "3"),
                                         { DicomPart(ct_, "IM000001.dcm") });
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, entity,
    OuterHeaders(kHospital, "20260101.120000.0badcafe", "1", "3")));
  ExpectOutcome(result, ProcessOutcome::Rejected, "inner and outer X-TELEMEDICINE-SETPART differ");
  ExpectNothingImported(result);

  const ProcessResult other = ProcessMail(SignedMail(sites_->hospital, kHospital,
    MixedEntity(InnerSetHeaders("another.set", "1", "1"), { DicomPart(ct_, "IM000001.dcm") })));
  ExpectOutcome(other, ProcessOutcome::Rejected, "inner and outer X-TELEMEDICINE-SETID differ");
  ExpectNothingImported(other);
}

TEST_F(ReceivingProcessor, InvalidSetNumbers)
{
  struct Case
  {
    std::string part, total, reason;
  };
  const Case cases[] = {
    { "3", "2", "X-TELEMEDICINE-SETPART 3 is greater than X-TELEMEDICINE-SETTOTAL 2" },
    { "1", "0", "X-TELEMEDICINE-SETTOTAL is 0" },
    { "1", "1000000000", "X-TELEMEDICINE-SETTOTAL 1000000000 exceeds the limit of 100000" },
    { "0", "1", "X-TELEMEDICINE-SETPART is 0" },
    { "-1", "1", "X-TELEMEDICINE-SETPART is not a decimal number" },
  };
  for (const Case& c : cases)
  {
    const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, GoodEntity(),
      OuterHeaders(kHospital, "20260101.120000.0badcafe", c.part, c.total)));
    ExpectOutcome(result, ProcessOutcome::Rejected, c.reason);
    ExpectNothingImported(result);
  }

  // The same numbers inside the signed entity.
  const ProcessResult inner = ProcessMail(SignedMail(sites_->hospital, kHospital,
    MixedEntity(InnerSetHeaders("S9", "5", "4"), { DicomPart(ct_, "IM000001.dcm") }),
    OuterHeaders(kHospital, "", "", "")));
  ExpectOutcome(inner, ProcessOutcome::Rejected, "inner headers: X-TELEMEDICINE-SETPART 5 is greater");
  ExpectNothingImported(inner);
}

TEST_F(ReceivingProcessor, DecompressionBomb)
{
  // 256 MB of zeros inside a few hundred KB of OpenPGP; the limit is 16 MB.
  limits_.maxDecompressedBytes = 16 * 1024 * 1024;
  size_t cipherBytes = 0;
  const std::string mail = ZeroBombMail(sites_->hospital, 256ull * 1024 * 1024, cipherBytes);
  EXPECT_LT(cipherBytes, 2u * 1024 * 1024);
  const ProcessResult result = ProcessMail(mail);
  ExpectOutcome(result, ProcessOutcome::Rejected, "decompressed data exceeds the limit of 16777216 bytes");
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, ExpansionBoundedByTheMailsOwnSize)
{
  // 64 MB of zeros in a mail of a few hundred KB: far below MaxDecompressedBytes (4 GB), far above
  // DecompressionRatio x the mail's size, and rejected for good before any trust decision.
  limits_.decompressionFloorBytes = 4 * 1000 * 1000;
  size_t cipherBytes = 0;
  const ProcessResult result = ProcessMail(ZeroBombMail(sites_->stranger, 64ull * 1024 * 1024, cipherBytes));
  ExpectOutcome(result, ProcessOutcome::Rejected, "exceeds the limit of " +
                std::to_string(std::max<uint64_t>(4000000, 20 * result.mailBytes)) +
                " bytes (Limits.DecompressionRatio 20 x the mail's");
  EXPECT_FALSE(result.localFailure);
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, NoRoomForTheExpansionBudgetIsLocal)
{
  limits_.minFreeDiskBytes = Files::GetFreeSpace(work_->GetPath()) + 1000ull * 1000 * 1000 * 1000;
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, GoodEntity()));
  EXPECT_EQ(ProcessOutcome::Failed, result.outcome);
  EXPECT_TRUE(result.localFailure);   // the mail stays on the server
  ASSERT_FALSE(result.reasons.empty());
  EXPECT_TRUE(Contains(result.reasons.front(), "not enough free disk space")) << result.reasons.front();
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, ThousandNestedMultiparts)
{
  std::string entity = InnerSetHeaders("20260101.120000.0badcafe", "1", "1");
  for (int i = 0; i < 1000; i++)
  {
    entity += "Content-Type: multipart/mixed; boundary=\"n" + std::to_string(i) + "\"\r\n\r\n--n" +
      std::to_string(i) + "\r\n";
  }
  entity += "Content-Type: text/plain\r\n\r\ndeep\r\n";
  for (int i = 999; i >= 0; i--)
  {
    entity += "--n" + std::to_string(i) + "--\r\n";
  }
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, entity));
  ExpectOutcome(result, ProcessOutcome::Rejected, "MIME nesting deeper than 20 levels");
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, InvalidBase64InDicomPart)
{
  TestPart part = DicomPart(ct_, "IM000001.dcm");
  part.body.insert(200, "!!**");
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital,
    MixedEntity(InnerSetHeaders("20260101.120000.0badcafe", "1", "1"), { part })));
  ExpectOutcome(result, ProcessOutcome::Rejected, "invalid base64");
  EXPECT_TRUE(Contains(result.reasons.front(), "application/dicom"));
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, BoundaryNeverClosed)
{
  std::string entity = GoodEntity();
  entity.erase(entity.rfind("--inner--"));
  const ProcessResult inner = ProcessMail(SignedMail(sites_->hospital, kHospital, entity));
  ExpectOutcome(inner, ProcessOutcome::Rejected, "boundary \"inner\" never closed");
  ExpectNothingImported(inner);

  std::string mail = SignedMail(sites_->hospital, kHospital, GoodEntity());
  mail.erase(mail.rfind("--outer--"));
  const ProcessResult outer = ProcessMail(mail);
  ExpectOutcome(outer, ProcessOutcome::Rejected, "boundary \"outer\" never closed");
  ExpectNothingImported(outer);
}

TEST_F(ReceivingProcessor, ApplicationDicomThatIsNotDicom)
{
  const std::string notDicom = std::string(200, 'x') + "MZ this is an executable";
  const std::string entity = MixedEntity(InnerSetHeaders("20260101.120000.0badcafe", "1", "1"),
                                         { DicomPart(notDicom, "IM000001.dcm") });
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, entity));
  ExpectOutcome(result, ProcessOutcome::Failed, "IM000001.dcm: application/dicom content is not a DICOM file");
  EXPECT_EQ(1u, result.failed);
  ExpectNothingImported(result);

  // Beside a good instance: a mail is imported whole or not at all.
  const std::string mixed = MixedEntity(InnerSetHeaders("20260101.120000.0badcafe", "1", "1"),
                                        { DicomPart(ct_, "IM000001.dcm"), DicomPart(notDicom, "IM000002.dcm") });
  const ProcessResult partial = ProcessMail(SignedMail(sites_->hospital, kHospital, mixed));
  ExpectOutcome(partial, ProcessOutcome::Failed, "IM000002.dcm: application/dicom content is not a DICOM file");
  EXPECT_EQ(0u, partial.stored);
  EXPECT_TRUE(importer_.records.empty());
}

TEST_F(ReceivingProcessor, PathTraversalNamesDoNotMatter)
{
  const std::string entity = MixedEntity(InnerSetHeaders("20260101.120000.0badcafe", "1", "1"),
    { DicomPart(ct_, "../../etc/passwd"), DicomPart(mr_, "/tmp/dm-evil.dcm") });
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, entity));
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);
  ASSERT_EQ(2u, importer_.records.size());
  for (const auto& r : importer_.records)
  {
    EXPECT_TRUE(r.filesThere.empty());   // nothing written, under any name
    EXPECT_EQ("", r.context.partName);
  }
  EXPECT_FALSE(Files::Exists("/tmp/dm-evil.dcm"));

  // With a manifest naming the hostile name: the reason does not repeat it.
  const std::string withManifest = MixedEntity(InnerSetHeaders("20260101.120000.0badcafe", "1", "1"),
    { DicomPart(ct_, "../../etc/passwd"),
      ManifestPart("20260101.120000.0badcafe", 1, 1, { ManifestEntry("1.2.3", ct_, "IM000001.dcm") }, ct_.size()) });
  importer_.records.clear();
  const ProcessResult listed = ProcessMail(SignedMail(sites_->hospital, kHospital, withManifest));
  ExpectOutcome(listed, ProcessOutcome::Failed, "part 1 is not listed in the manifest");
  EXPECT_FALSE(Contains(AllReasons(listed), "passwd"));
  ExpectNothingImported(listed);
}

TEST_F(ReceivingProcessor, EmptyMail)
{
  const ProcessResult result = ProcessMail("");
  ExpectOutcome(result, ProcessOutcome::Rejected, "empty mail");
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, NonUtf8Headers)
{
  // 8-bit junk in From's display name and the Subject: still processed.
  std::string outer = OuterHeaders(kHospital);
  outer.replace(outer.find("\"Sender\""), 8, "\"Kr\xe4nkenhaus \xff\xfe\"");
  outer.replace(outer.find("Subject: DICOM-eMail"), 20, "Subject: \x80\x81\xc3(");
  const ProcessResult good = ProcessMail(SignedMail(sites_->hospital, kHospital, GoodEntity(), outer));
  EXPECT_EQ(ProcessOutcome::Imported, good.outcome) << AllReasons(good);
  EXPECT_EQ(kHospital, good.fromAddress);

  // In the set id: refused, and the reason is valid UTF-8 (checked in ProcessFile).
  const ProcessResult bad = ProcessMail(SignedMail(sites_->hospital, kHospital, GoodEntity(),
    OuterHeaders(kHospital, "set\xe4\xff", "1", "1")));
  ExpectOutcome(bad, ProcessOutcome::Rejected, "X-TELEMEDICINE-SETID");
  EXPECT_TRUE(Contains(bad.reasons.front(), "is not a valid set id"));
}

TEST_F(ReceivingProcessor, ManifestHashMismatch)
{
  const std::string setId = "20260101.120000.0badcafe";
  const std::string entity = MixedEntity(InnerSetHeaders(setId, "1", "1"),
    { DicomPart(ct_, "IM000001.dcm"), DicomPart(mr_, "IM000002.dcm"),
      ManifestPart(setId, 1, 1, { ManifestEntry("1.2.3.1", ct_, "IM000001.dcm"),
                                  ManifestEntry("1.2.3.2", mr_, "IM000002.dcm", std::string(64, 'a')) },
                   ct_.size() + mr_.size()) });
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, entity));
  ExpectOutcome(result, ProcessOutcome::Failed, "SHA-256 mismatch for IM000002.dcm");
  EXPECT_EQ(Disposition::DeletedError, result.disposition);
  EXPECT_EQ(1u, result.failed);
  EXPECT_EQ(0u, result.stored);
  EXPECT_TRUE(importer_.records.empty());   // not even the instance that matched

  // A manifest entry without its part.
  importer_.records.clear();
  const std::string missing = MixedEntity(InnerSetHeaders(setId, "1", "1"),
    { DicomPart(ct_, "IM000001.dcm"),
      ManifestPart(setId, 1, 1, { ManifestEntry("1.2.3.1", ct_, "IM000001.dcm"),
                                  ManifestEntry("1.2.3.2", mr_, "IM000002.dcm") }, ct_.size() + mr_.size()) });
  const ProcessResult gone = ProcessMail(SignedMail(sites_->hospital, kHospital, missing));
  ExpectOutcome(gone, ProcessOutcome::Failed, "IM000002.dcm listed in the manifest is missing");
}

TEST_F(ReceivingProcessor, InvalidManifestIsRejected)
{
  const std::string entity = MixedEntity(InnerSetHeaders("S3", "1", "1"),
    { DicomPart(ct_, "IM000001.dcm"),
      TestPart{ "Content-Type: application/json; name=\"manifest.json\"\r\nX-DICOMMAIL-MANIFEST: 1\r\n",
                "{\"SetId\": \"S3\", \"Part\": \"one\"}" } });
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, entity,
                                                      OuterHeaders(kHospital, "S3")));
  ExpectOutcome(result, ProcessOutcome::Rejected, "manifest: Invalid manifest");
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, PlainUnencryptedDicom)
{
  const std::string mail = OuterHeaders(kHospital) +
    "Content-Type: application/dicom; name=\"IM000001.dcm\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
    Base64::Encode(ct_, 76) + "\r\n";
  const ProcessResult result = ProcessMail(mail);
  ExpectOutcome(result, ProcessOutcome::Rejected, "not encrypted");
  EXPECT_TRUE(Contains(result.reasons.front(), "application/dicom"));
  ExpectNothingImported(result);

  // The same as an attachment of an ordinary multipart/mixed mail.
  const std::string mixed = "From: <" + std::string(kHospital) + ">\r\nMIME-Version: 1.0\r\n" +
    MixedEntity("", { DicomPart(ct_, "IM000001.dcm") }).substr(std::string("MIME-Version: 1.0\r\n").size());
  const ProcessResult mixedResult = ProcessMail(mixed);
  ExpectOutcome(mixedResult, ProcessOutcome::Rejected, "not encrypted: the mail is multipart/mixed");
  ExpectNothingImported(mixedResult);
}

TEST_F(ReceivingProcessor, WrongEnvelopeStructure)
{
  const std::string cipher = Armor(EncryptEntity(*sites_->hospital.crypto, sites_->hospital.fingerprint,
                                                 { sites_->referrer.fingerprint }, GoodEntity()));
  std::string noVersion = Envelope(OuterHeaders(kHospital), cipher);
  noVersion.replace(noVersion.find("\r\n\r\nVersion: 1") + 4, 10, "Version: 2");
  ExpectOutcome(ProcessMail(noVersion), ProcessOutcome::Rejected, "does not say \"Version: 1\"");

  std::string keyInstead = Envelope(OuterHeaders(kHospital), Armor("\x99\x01\x0d", "PUBLIC KEY BLOCK"));
  ExpectOutcome(ProcessMail(keyInstead), ProcessOutcome::Rejected, "not a PGP MESSAGE");

  std::string threeParts = Envelope(OuterHeaders(kHospital), cipher);
  threeParts.insert(threeParts.rfind("--outer--"), "--outer\r\nContent-Type: text/plain\r\n\r\nextra\r\n");
  ExpectOutcome(ProcessMail(threeParts), ProcessOutcome::Rejected, "more than two parts");
  EXPECT_TRUE(importer_.records.empty());
}

TEST_F(ReceivingProcessor, MailOverTheSizeLimit)
{
  limits_.maxMailBytes = 1000;
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, GoodEntity()));
  ExpectOutcome(result, ProcessOutcome::Rejected, "more than the limit of 1000 (MaxMailBytes)");
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, TooManyParts)
{
  limits_.maxPartsPerMail = 5;
  std::vector<TestPart> parts;
  for (int i = 0; i < 10; i++)
  {
    parts.push_back(TestPart{ "Content-Type: text/plain\r\n", "x" });
  }
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital,
    MixedEntity(InnerSetHeaders("20260101.120000.0badcafe", "1", "1"), parts)));
  ExpectOutcome(result, ProcessOutcome::Rejected, "more than 5 MIME parts");
  ExpectNothingImported(result);
}

TEST_F(ReceivingProcessor, NoDicomAtAll)
{
  const ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital,
    MixedEntity(InnerSetHeaders("20260101.120000.0badcafe", "1", "1"), { TestPart{ "Content-Type: text/plain\r\n", "hi" } })));
  ExpectOutcome(result, ProcessOutcome::Rejected, "no DICOM instance in the mail");
}

TEST_F(ReceivingProcessor, NotADicomMailAtAll)
{
  const ProcessResult result = ProcessMail("From: <a@b.test>\r\nSubject: hello\r\n\r\nJust text.\r\n");
  ExpectOutcome(result, ProcessOutcome::Rejected, "not encrypted: the mail is text/plain");
}

TEST_F(ReceivingProcessor, MissingWorkingDirectoryIsALocalFailure)
{
  DicomMailProcessor processor(*sites_->referrer.crypto, trust_, importer_, work_->GetPath() + "/missing", limits_);
  const std::string path = mails_->File("good.eml");
  Files::WriteAll(path, SignedMail(sites_->hospital, kHospital, GoodEntity()));
  const ProcessResult result = processor.Process(path);
  EXPECT_EQ(ProcessOutcome::Failed, result.outcome);
  EXPECT_TRUE(result.localFailure);
  ASSERT_FALSE(result.reasons.empty());
  EXPECT_TRUE(Contains(result.reasons.front(), "temporary file")) << result.reasons.front();
  ExpectNothingImported(result);
}

// A daily QA test (#17) is known by the signed copy of its marker only: the
// same header in the clear marks nothing.
TEST_F(ReceivingProcessor, QaTestMarkerCountsOnlyInsideTheSignature)
{
  const std::string marker = "X-DICOMMAIL-QA-TEST: daily-function-test\r\n";
  const std::string setId = "20260101.120000.0badcafe";
  std::string entity = GoodEntity(setId, false);
  ProcessResult result = ProcessMail(SignedMail(sites_->hospital, kHospital, marker + entity));
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);
  EXPECT_TRUE(result.qaTest);
  EXPECT_GT(result.completedMs, 0);
  ASSERT_EQ(1u, importer_.records.size());
  EXPECT_TRUE(importer_.records[0].context.qaTest);

  importer_.records.clear();
  result = ProcessMail(SignedMail(sites_->hospital, kHospital, entity, marker + OuterHeaders(kHospital, setId)));
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);
  EXPECT_FALSE(result.qaTest);
  ASSERT_EQ(1u, importer_.records.size());
  EXPECT_FALSE(importer_.records[0].context.qaTest);

  importer_.records.clear();
  result = ProcessMail(SignedMail(sites_->hospital, kHospital, "X-DICOMMAIL-QA-TEST: yes\r\n" + entity));
  EXPECT_FALSE(result.qaTest);   // another value is no test
}

// The built-in QA series is checked against its fixed SHA-256 too (#17): a
// sender whose copy changed, with a manifest to match, fails the test.
TEST_F(ReceivingProcessor, QaTestOfTheBuiltInSeriesMustBeItByteForByte)
{
  const std::string marker = "X-DICOMMAIL-QA-TEST: daily-function-test\r\n";
  const std::string setId = "20260101.120000.0badcafe";
  const QaTestSeries::Instance instance = QaTestSeries::Generate().front();
  auto mailOf = [&](const std::string& content)
  {
    const std::vector<TestPart> parts = {
      DicomPart(content, "IM000001.dcm"),
      ManifestPart(setId, 1, 1, { ManifestEntry(instance.sopInstanceUid, content, "IM000001.dcm") }, content.size()) };
    return SignedMail(sites_->hospital, kHospital, marker + MixedEntity(InnerSetHeaders(setId, "1", "1"), parts));
  };

  ProcessResult result = ProcessMail(mailOf(instance.content));
  EXPECT_EQ(ProcessOutcome::Imported, result.outcome) << AllReasons(result);

  importer_.records.clear();
  std::string changed = instance.content;
  changed[changed.size() - 1] ^= 1;   // one pixel
  result = ProcessMail(mailOf(changed));
  ExpectOutcome(result, ProcessOutcome::Failed, "differs from the built-in QA test series");
  EXPECT_FALSE(result.localFailure);
  ExpectNothingImported(result);
}
