// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReceivingTestSupport.h"

#include "Core/Receiving/MailAddress.h"
#include "Core/Receiving/MailClassifier.h"
#include "Core/Receiving/SetHeaderValues.h"
#include "Core/Transfer/PartialSplitter.h"

#include <gtest/gtest.h>

using namespace DicomMail;
using namespace ReceivingTest;

namespace
{
  MailClassification ClassifyText(const ScratchDirectory& dir, const std::string& mail,
                                  const ReceiveLimits& limits = ReceiveLimits())
  {
    const std::string path = dir.File("classify.eml");
    Files::WriteAll(path, mail);
    return MailClassifier(limits).Classify(path);
  }

  const char* const kEncryptedBody =
    "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"o\"\r\n\r\n"
    "--o\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
    "--o\r\nContent-Type: application/octet-stream\r\n\r\nxx\r\n--o--\r\n";
}

TEST(ReceivingMailAddress, ExtractsTheAddrSpec)
{
  EXPECT_EQ("a@b.test", MailAddress::Extract("a@b.test"));
  EXPECT_EQ("a@b.test", MailAddress::Extract("<A@B.test>"));
  EXPECT_EQ("a@b.test", MailAddress::Extract("\"Doe, John <x@y>\" <a@b.test>"));
  EXPECT_EQ("a@b.test", MailAddress::Extract("Hospital A <a@b.test>"));
  EXPECT_EQ("a@b.test", MailAddress::Extract("a@b.test (the hospital, <x@y>)"));
  EXPECT_EQ("a@b.test", MailAddress::Extract("a@b.test, c@d.test"));
  EXPECT_EQ("", MailAddress::Extract(""));
  EXPECT_EQ("", MailAddress::Extract("Undisclosed recipients:;"));
  EXPECT_EQ("", MailAddress::Extract("<a@b.test"));
  EXPECT_EQ("", MailAddress::Extract("<@b.test>"));
  EXPECT_EQ("", MailAddress::Extract("<a\xff@b.test>"));
}

TEST(ReceivingSetHeaders, ValidatesAndCompares)
{
  MimeHeaders none;
  EXPECT_FALSE(SetHeaderValues::Read(none).present);

  MimeHeaders good;
  good.Add("X-TELEMEDICINE-SETID", "20260101.120000.0badcafe");
  good.Add("X-TELEMEDICINE-SETPART", "2");
  good.Add("X-TELEMEDICINE-SETTOTAL", "100000");
  const SetHeaderValues v = SetHeaderValues::Read(good);
  EXPECT_TRUE(v.present);
  EXPECT_EQ(2u, v.part);
  EXPECT_EQ(100000u, v.total);
  EXPECT_EQ("", SetHeaderValues::Compare(v, v));
  SetHeaderValues w = v;
  w.total = 7;
  EXPECT_EQ("inner and outer X-TELEMEDICINE-SETTOTAL differ", SetHeaderValues::Compare(v, w));

  MimeHeaders tooMany = good;
  tooMany.Set("X-TELEMEDICINE-SETTOTAL", "100001");
  EXPECT_THROW(SetHeaderValues::Read(tooMany), Error);
  EXPECT_EQ(100001u, SetHeaderValues::Read(tooMany, 200000).total);

  MimeHeaders missing;
  missing.Add("X-TELEMEDICINE-SETID", "x");
  try
  {
    SetHeaderValues::Read(missing);
    ADD_FAILURE() << "accepted a lone SETID";
  }
  catch (const Error& e)
  {
    EXPECT_TRUE(Contains(e.what(), "X-TELEMEDICINE-SETPART is missing")) << e.what();
  }

  MimeHeaders twice = good;
  twice.Add("X-TELEMEDICINE-SETPART", "1");
  EXPECT_THROW(SetHeaderValues::Read(twice), Error);
}

TEST(ReceivingClassifier, DicomMailWithFacts)
{
  ScratchDirectory dir;
  const MailClassification c = ClassifyText(dir, OuterHeaders(kHospital, "set.1", "3", "7", "<m1@a.test>") +
                                            kEncryptedBody);
  EXPECT_EQ(MailKind::DicomMail, c.kind);
  EXPECT_EQ("multipart/encrypted", c.contentType);
  EXPECT_EQ(kHospital, c.fromAddress);
  EXPECT_EQ("<m1@a.test>", c.messageId);
  EXPECT_TRUE(c.hasDate);
  EXPECT_EQ(1767268800, c.date);
  EXPECT_EQ(kHospital, c.dispositionNotificationTo);
  EXPECT_TRUE(c.set.present);
  EXPECT_EQ("set.1", c.set.setId);
  EXPECT_EQ(3u, c.set.part);
  EXPECT_EQ(7u, c.set.total);

  // Without X-TELEMEDICINE-* (a mail client): still a DICOM-Mail.
  const MailClassification plain = ClassifyText(dir, "From: a@b.test\r\n" + std::string(kEncryptedBody));
  EXPECT_EQ(MailKind::DicomMail, plain.kind);
  EXPECT_FALSE(plain.set.present);
  EXPECT_FALSE(plain.hasDate);
}

TEST(ReceivingClassifier, MalformedSetHeaders)
{
  ScratchDirectory dir;
  const struct
  {
    const char* part;
    const char* total;
    const char* reason;
  } cases[] = {
    { "2", "1", "X-TELEMEDICINE-SETPART 2 is greater than X-TELEMEDICINE-SETTOTAL 1" },
    { "1", "0", "X-TELEMEDICINE-SETTOTAL is 0" },
    { "1", "1000000000", "exceeds the limit of 100000" },
    { "1", "", "X-TELEMEDICINE-SETTOTAL is missing" },
  };
  for (const auto& k : cases)
  {
    const MailClassification c = ClassifyText(dir, OuterHeaders(kHospital, "s", k.part, k.total) + kEncryptedBody);
    EXPECT_EQ(MailKind::Malformed, c.kind);
    EXPECT_EQ(MailKind::DicomMail, c.structuralKind);
    EXPECT_TRUE(Contains(c.reason, k.reason)) << c.reason;
  }
  const MailClassification badId = ClassifyText(dir, OuterHeaders(kHospital, "../etc", "1", "1") + kEncryptedBody);
  EXPECT_EQ(MailKind::Malformed, badId.kind);
  EXPECT_TRUE(Contains(badId.reason, "not a valid set id")) << badId.reason;
}

TEST(ReceivingClassifier, PartialFragments)
{
  ScratchDirectory dir;
  std::string lines;
  for (int i = 0; i < 100; i++)
  {
    lines += std::string(70, 'y') + "\r\n";
  }
  std::string body = kEncryptedBody;
  const size_t payload = body.rfind("xx\r\n");
  body = body.substr(0, payload) + lines + body.substr(payload);
  const std::string big = OuterHeaders(kHospital, "set.2", "1", "1") + body;
  const std::string mailPath = dir.File("big.eml");
  Files::WriteAll(mailPath, big);
  const std::vector<std::string> fragments =
    PartialSplitter(2000).SplitToDirectory(mailPath, dir.GetPath(), "fragment");
  ASSERT_GE(fragments.size(), 3u);
  const MailClassification c = MailClassifier().Classify(fragments[1]);
  EXPECT_EQ(MailKind::Partial, c.kind) << c.reason;
  EXPECT_EQ(2u, c.partial.number);
  EXPECT_EQ("set.2", c.set.setId);
  EXPECT_FALSE(c.partial.id.empty());

  const MailClassification broken = ClassifyText(dir, "From: a@b.test\r\n"
    "Content-Type: message/partial; id=\"x\"; number=3; total=2\r\n\r\nbody\r\n");
  EXPECT_EQ(MailKind::Malformed, broken.kind);
  EXPECT_EQ(MailKind::Partial, broken.structuralKind);
}

TEST(ReceivingClassifier, Acknowledgements)
{
  ScratchDirectory dir;
  const std::string report =
    "Content-Type: multipart/report; report-type=disposition-notification; boundary=\"r\"\r\n\r\n"
    "--r\r\nContent-Type: text/plain\r\n\r\nok\r\n--r\r\nContent-Type: message/disposition-notification\r\n\r\n"
    "Disposition: automatic-action/MDN-sent-automatically;displayed\r\n--r--\r\n";
  const MailClassification bare = ClassifyText(dir, "From: a@b.test\r\nX-TELEMEDICINE-SETID: s\r\n"
                                               "X-TELEMEDICINE-SETPART: 2\r\n" + report);
  EXPECT_EQ(MailKind::Acknowledgement, bare.kind) << bare.reason;
  EXPECT_FALSE(bare.acknowledgementSigned);
  EXPECT_EQ("s", bare.set.setId);
  EXPECT_EQ(2u, bare.set.part);

  const MailClassification signedAck = ClassifyText(dir, "From: a@b.test\r\n"
    "Content-Type: multipart/signed; micalg=pgp-sha512; protocol=\"application/pgp-signature\"; boundary=\"s\"\r\n\r\n"
    "--s\r\n" + report + "\r\n--s\r\nContent-Type: application/pgp-signature\r\n\r\nsig\r\n--s--\r\n");
  EXPECT_EQ(MailKind::Acknowledgement, signedAck.kind) << signedAck.reason;
  EXPECT_TRUE(signedAck.acknowledgementSigned);

  const MailClassification signedText = ClassifyText(dir, "From: a@b.test\r\n"
    "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"s\"\r\n\r\n"
    "--s\r\nContent-Type: text/plain\r\n\r\nhello\r\n--s\r\nContent-Type: application/pgp-signature\r\n\r\nsig\r\n--s--\r\n");
  EXPECT_EQ(MailKind::Other, signedText.kind);

  const MailClassification otherReport = ClassifyText(dir, "From: a@b.test\r\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n--r\r\n\r\nx\r\n--r--\r\n");
  EXPECT_EQ(MailKind::Other, otherReport.kind);
}

TEST(ReceivingClassifier, OtherAndBroken)
{
  ScratchDirectory dir;
  EXPECT_EQ(MailKind::Other, ClassifyText(dir, "From: a@b.test\r\nSubject: lunch?\r\n\r\nhi\r\n").kind);
  EXPECT_EQ(MailKind::Other, ClassifyText(dir, "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
                                          "--m\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--m--\r\n").kind);

  // Unencrypted DICOM is ours (to be refused with a reason), not "other".
  EXPECT_EQ(MailKind::DicomMail, ClassifyText(dir, "From: a@b.test\r\nContent-Type: application/dicom\r\n\r\nx").kind);
  EXPECT_EQ(MailKind::DicomMail, ClassifyText(dir, "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
                                              "--m\r\nContent-Type: text/plain\r\n\r\nhi\r\n--m\r\n"
                                              "Content-Type: application/dicom\r\n\r\nx\r\n--m--\r\n").kind);

  const MailClassification empty = ClassifyText(dir, "");
  EXPECT_EQ(MailKind::Malformed, empty.kind);
  EXPECT_EQ("empty mail", empty.reason);

  ReceiveLimits small;
  small.maxHeaderBytes = 1024;
  const MailClassification huge = ClassifyText(dir, "From: a@b.test\r\nX-Junk: " + std::string(5000, 'j') +
                                               "\r\n\r\nbody", small);
  EXPECT_EQ(MailKind::Malformed, huge.kind);
  EXPECT_FALSE(huge.reason.empty());

  const MailClassification binary = ClassifyText(dir, std::string("\x00\x01\x02garbage", 10));
  EXPECT_EQ(MailKind::Malformed, binary.kind);
  EXPECT_TRUE(Contains(binary.reason, "unreadable header block")) << binary.reason;

  EXPECT_THROW(MailClassifier().Classify(dir.File("does-not-exist")), Error);
}
