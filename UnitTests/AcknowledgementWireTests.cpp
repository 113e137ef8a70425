// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Acknowledgement/AcknowledgementBuilder.h"
#include "Core/Acknowledgement/AcknowledgementParser.h"
#include "Core/Common/Error.h"
#include "Core/Mime/IMimeHandler.h"
#include "Core/Mime/MimeParser.h"

#include <gtest/gtest.h>

#include <regex>

using namespace DicomMail;

namespace
{
  AcknowledgementContent MakeContent(Disposition disposition)
  {
    AcknowledgementContent content;
    content.reportingUa = "pacs.site-b.example; Orthanc DICOM-Mail 0.1.0";
    content.finalRecipient = "dicom@site-b.example";
    content.originalMessageId = "<0123456789abcdef@site-a.example>";
    content.disposition = disposition;
    content.setId = "20261128.031502.9f3c1a7e";
    content.setPart = "3";
    return content;
  }

  template <typename Function>
  void ExpectError(Function function, ErrorKind kind, const std::string& fragment)
  {
    try
    {
      function();
      ADD_FAILURE() << "no exception, expected one mentioning \"" << fragment << "\"";
    }
    catch (const Error& e)
    {
      EXPECT_EQ(kind, e.GetKind()) << e.what();
      EXPECT_NE(std::string::npos, std::string(e.what()).find(fragment))
        << "message \"" << e.what() << "\" does not mention \"" << fragment << "\"";
    }
  }

  // Records the structure MimeParser sees, to check the built entity independently.
  class StructureRecorder : public IMimeHandler
  {
  public:
    std::vector<std::string> events;
    std::vector<std::unique_ptr<StringSink> > bodies;

    void OnMultipartBegin(unsigned int depth, const MimeHeaders& headers) override
    {
      const ContentType type = headers.GetContentType();
      events.push_back(std::to_string(depth) + " " + type.GetMimeType() + " " + type.GetParameter("report-type"));
    }

    ByteSink* OnHeaders(unsigned int depth, const MimeHeaders& headers) override
    {
      events.push_back(std::to_string(depth) + " " + headers.GetContentType().GetMimeType());
      bodies.emplace_back(new StringSink);
      return bodies.back().get();
    }
  };

  const char* const kForeignMdn =
    "Content-Type: Multipart/Report; Report-Type=\"Disposition-Notification\";\r\n"
    "\tboundary=\"RAA14128.773615765/CS.UTK.EDU\"\r\n"
    "\r\n"
    "--RAA14128.773615765/CS.UTK.EDU\r\n"
    "\r\n"
    "The message sent on 1994-07-07 at 19:23:05 was displayed.\r\n"
    "\r\n"
    "--RAA14128.773615765/CS.UTK.EDU\r\n"
    "content-type: message/disposition-notification\r\n"
    "\r\n"
    "reporting-ua:   cs.utk.edu;\r\n"
    "  Foomail 97.1\r\n"
    "Original-Recipient: rfc822;Keith_Moore@cs.utk.edu\r\n"
    "FINAL-RECIPIENT:rfc822;<moore@cs.utk.edu>\r\n"
    "Original-Message-ID: <199509192301.23456@example.org>\r\n"
    "Disposition:  Automatic-Action / MDN-Sent-Automatically ;\r\n"
    "   Displayed / Warning\r\n"
    "\r\n"
    "--RAA14128.773615765/CS.UTK.EDU--\r\n";
}

TEST(AcknowledgementWire, DispositionStrings)
{
  const Disposition all[] = { Disposition::Displayed, Disposition::DisplayedWarning,
                              Disposition::DeletedError, Disposition::Deleted };
  EXPECT_STREQ("automatic-action/MDN-sent-automatically;displayed", ToString(Disposition::Displayed));
  EXPECT_STREQ("automatic-action/MDN-sent-automatically;displayed/warning", ToString(Disposition::DisplayedWarning));
  EXPECT_STREQ("automatic-action/MDN-sent-automatically;deleted/error", ToString(Disposition::DeletedError));
  EXPECT_STREQ("automatic-action/MDN-sent-automatically;deleted", ToString(Disposition::Deleted));
  for (Disposition d : all)
  {
    EXPECT_EQ(d, ParseDisposition(ToString(d)));
  }

  EXPECT_EQ(Disposition::DisplayedWarning,
            ParseDisposition("  Automatic-Action/MDN-Sent-Automatically ; DISPLAYED / warning "));
  EXPECT_EQ(Disposition::Deleted, ParseDisposition("manual-action/MDN-sent-manually; deleted"));
  EXPECT_EQ(Disposition::DeletedError,
            ParseDisposition("automatic-action/MDN-sent-automatically (comment); deleted/error"));

  EXPECT_TRUE(IsPositive(Disposition::Displayed));
  EXPECT_TRUE(IsPositive(Disposition::DisplayedWarning));
  EXPECT_FALSE(IsPositive(Disposition::DeletedError));
  EXPECT_FALSE(IsPositive(Disposition::Deleted));

  ExpectError([] { ParseDisposition("displayed"); }, ErrorKind::BadInput, "no \";\"");
  ExpectError([] { ParseDisposition("automatic-action; displayed"); }, ErrorKind::BadInput, "action/sending");
  ExpectError([] { ParseDisposition("automatic-action/MDN-sent-automatically; processed"); },
              ErrorKind::BadInput, "Unsupported Disposition");
  ExpectError([] { ParseDisposition("automatic-action/MDN-sent-automatically; displayed/error"); },
              ErrorKind::BadInput, "Unsupported");
  ExpectError([] { ParseDisposition(""); }, ErrorKind::BadInput, "Malformed");
}

TEST(AcknowledgementWire, BuildsTheRfc3798Structure)
{
  const std::string entity = AcknowledgementBuilder::Build(MakeContent(Disposition::DisplayedWarning));

  // Headers of the entity: the signed copies of the set numbers, then the report type.
  const std::string header = entity.substr(0, entity.find("\r\n\r\n") + 2);
  EXPECT_EQ(0u, header.find("X-TELEMEDICINE-SETID: 20261128.031502.9f3c1a7e\r\n"
                            "X-TELEMEDICINE-SETPART: 3\r\n"
                            "Content-Type: multipart/report;"));
  EXPECT_NE(std::string::npos, header.find("report-type=disposition-notification"));

  EXPECT_NE(std::string::npos, entity.find("\r\nReporting-UA: pacs.site-b.example; Orthanc DICOM-Mail 0.1.0\r\n"));
  EXPECT_NE(std::string::npos, entity.find("\r\nFinal-Recipient: rfc822; dicom@site-b.example\r\n"));
  EXPECT_NE(std::string::npos, entity.find("\r\nOriginal-Message-ID: <0123456789abcdef@site-a.example>\r\n"));
  EXPECT_NE(std::string::npos,
            entity.find("\r\nDisposition: automatic-action/MDN-sent-automatically;displayed/warning\r\n"));

  // Every line is CRLF-terminated 7bit text of sane length.
  for (size_t i = 0; i < entity.size(); i++)
  {
    ASSERT_TRUE(entity[i] > 0 && static_cast<unsigned char>(entity[i]) < 128);
    if (entity[i] == '\n')
    {
      ASSERT_TRUE(i > 0 && entity[i - 1] == '\r');
    }
  }

  // An independent look through the MIME parser.
  StructureRecorder recorder;
  StringSource source(entity);
  MimeParser parser(source, recorder);
  parser.Parse();
  ASSERT_EQ(3u, recorder.events.size());
  EXPECT_EQ("0 multipart/report disposition-notification", recorder.events[0]);
  EXPECT_EQ("1 text/plain", recorder.events[1]);
  EXPECT_EQ("1 message/disposition-notification", recorder.events[2]);
  EXPECT_NE(std::string::npos, recorder.bodies[0]->GetContent().find("warning"));
  EXPECT_NE(std::string::npos, recorder.bodies[0]->GetContent().find("<0123456789abcdef@site-a.example>"));
}

TEST(AcknowledgementWire, RoundTripForEveryDisposition)
{
  for (Disposition d : { Disposition::Displayed, Disposition::DisplayedWarning,
                         Disposition::DeletedError, Disposition::Deleted })
  {
    AcknowledgementContent content = MakeContent(d);
    content.detail = "Reason: the signature could not be verified with the partner key on file, "
                     "so nothing was imported into the archive.";
    const AcknowledgementReport report = AcknowledgementParser::Parse(AcknowledgementBuilder::Build(content));
    EXPECT_EQ(d, report.disposition);
    EXPECT_EQ(ToString(d), report.dispositionText);
    EXPECT_EQ("pacs.site-b.example; Orthanc DICOM-Mail 0.1.0", report.reportingUa);
    EXPECT_EQ("dicom@site-b.example", report.finalRecipient);
    EXPECT_EQ("<0123456789abcdef@site-a.example>", report.originalMessageId);
    EXPECT_EQ("20261128.031502.9f3c1a7e", report.setId);
    EXPECT_EQ("3", report.setPart);
    EXPECT_NE(std::string::npos, report.humanText.find(AcknowledgementBuilder::DescribeDisposition(d).substr(0, 40)));
    EXPECT_NE(std::string::npos, report.humanText.find("partner key"));
    // The detail was wrapped into short lines.
    size_t lineStart = 0;
    for (size_t lf = report.humanText.find('\n'); lf != std::string::npos; lf = report.humanText.find('\n', lineStart))
    {
      EXPECT_LE(lf - lineStart, 78u);
      lineStart = lf + 1;
    }
  }

  AcknowledgementContent minimal = MakeContent(Disposition::Deleted);
  minimal.setId.clear();
  minimal.setPart.clear();
  const std::string entity = AcknowledgementBuilder::Build(minimal);
  EXPECT_EQ(std::string::npos, entity.find("X-TELEMEDICINE"));
  const AcknowledgementReport report = AcknowledgementParser::Parse(entity);
  EXPECT_TRUE(report.setId.empty());
  EXPECT_EQ(Disposition::Deleted, report.disposition);
}

TEST(AcknowledgementWire, ParsesAForeignMdnLeniently)
{
  const AcknowledgementReport report = AcknowledgementParser::Parse(kForeignMdn);
  EXPECT_EQ("cs.utk.edu; Foomail 97.1", report.reportingUa);
  EXPECT_EQ("moore@cs.utk.edu", report.finalRecipient);
  EXPECT_EQ("<199509192301.23456@example.org>", report.originalMessageId);
  EXPECT_EQ(Disposition::DisplayedWarning, report.disposition);
  EXPECT_NE(std::string::npos, report.humanText.find("was displayed"));

  // LF line ends, fields in groups, an unknown extension field.
  const AcknowledgementReport fields = AcknowledgementParser::ParseFields(
    "Reporting-UA: a.example; x\n"
    "Original-Message-ID: <m@a.example>\n"
    "\n"
    "Final-Recipient: dicom@b.example\n"
    "X-Extension: whatever\n"
    "Disposition: automatic-action/MDN-sent-automatically;deleted/error\n");
  EXPECT_EQ("dicom@b.example", fields.finalRecipient);
  EXPECT_EQ(Disposition::DeletedError, fields.disposition);
}

TEST(AcknowledgementWire, StrictAboutMissingAndRepeatedFields)
{
  const std::string complete =
    "Reporting-UA: a.example; x\r\n"
    "Final-Recipient: rfc822; dicom@b.example\r\n"
    "Original-Message-ID: <m@a.example>\r\n"
    "Disposition: automatic-action/MDN-sent-automatically;displayed\r\n";
  EXPECT_EQ(Disposition::Displayed, AcknowledgementParser::ParseFields(complete).disposition);

  for (const char* field : { "Reporting-UA", "Final-Recipient", "Original-Message-ID", "Disposition" })
  {
    std::string without = complete;
    const size_t start = without.find(field);
    without.erase(start, without.find("\r\n", start) + 2 - start);
    ExpectError([&] { AcknowledgementParser::ParseFields(without); }, ErrorKind::BadInput, std::string("no ") + field);

    const size_t line = complete.find(field);
    const std::string twice = complete + complete.substr(line, complete.find("\r\n", line) + 2 - line);
    ExpectError([&] { AcknowledgementParser::ParseFields(twice); }, ErrorKind::BadInput,
                std::string("more than one ") + field);
  }

  ExpectError([] { AcknowledgementParser::ParseFields("Reporting-UA: a\r\nFinal-Recipient: rfc822;\r\n"
                                          "Original-Message-ID: <m@a>\r\n"
                                          "Disposition: automatic-action/MDN-sent-automatically;displayed\r\n"); },
              ErrorKind::BadInput, "has no address");
  ExpectError([] { AcknowledgementParser::ParseFields("Reporting-UA:\r\nFinal-Recipient: rfc822; a@b\r\n"
                                          "Original-Message-ID: <m@a>\r\n"
                                          "Disposition: automatic-action/MDN-sent-automatically;displayed\r\n"); },
              ErrorKind::BadInput, "no Reporting-UA");
  ExpectError([] {
                AcknowledgementParser::ParseFields(std::string(AcknowledgementParser::kMaxNotificationBytes + 1, 'a'));
              },
              ErrorKind::LimitExceeded, "larger than");
}

TEST(AcknowledgementWire, HostileReports)
{
  ExpectError([] { AcknowledgementParser::Parse("Content-Type: text/plain\r\n\r\nhello\r\n"); },
              ErrorKind::BadInput, "no message/disposition-notification part");

  const std::string twoNotifications =
    "Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n"
    "--b\r\nContent-Type: message/disposition-notification\r\n\r\nReporting-UA: a\r\n"
    "--b\r\nContent-Type: message/disposition-notification\r\n\r\nReporting-UA: b\r\n"
    "--b--\r\n";
  ExpectError([&] { AcknowledgementParser::Parse(twoNotifications); }, ErrorKind::BadInput,
              "more than one disposition-notification");

  const std::string huge =
    "Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n"
    "--b\r\nContent-Type: message/disposition-notification\r\n\r\n" +
    std::string(200000, 'x') + "\r\n--b--\r\n";
  ExpectError([&] { AcknowledgementParser::Parse(huge); }, ErrorKind::LimitExceeded, "larger than");

  // A long human text is cut, not refused.
  std::string longText(kForeignMdn);
  longText.insert(longText.find("The message sent"), std::string(10000, 'y') + "\r\n");
  EXPECT_EQ(4096u, AcknowledgementParser::Parse(longText).humanText.size());
}

TEST(AcknowledgementWire, BuilderRefusesInjectionAndMissingFields)
{
  AcknowledgementContent content = MakeContent(Disposition::Displayed);
  content.originalMessageId = "<a@b>\r\nDisposition: automatic-action/MDN-sent-automatically;displayed";
  ExpectError([&] { AcknowledgementBuilder::Build(content); }, ErrorKind::BadInput, "Original-Message-ID");

  content = MakeContent(Disposition::Displayed);
  content.reportingUa.clear();
  ExpectError([&] { AcknowledgementBuilder::Build(content); }, ErrorKind::BadInput, "no Reporting-UA");

  content = MakeContent(Disposition::Displayed);
  content.finalRecipient = "M\xc3\xbcller@example.org";
  ExpectError([&] { AcknowledgementBuilder::Build(content); }, ErrorKind::BadInput, "not printable ASCII");

  content = MakeContent(Disposition::Displayed);
  content.setId = "bad id";
  EXPECT_THROW(AcknowledgementBuilder::Build(content), Error);

  content = MakeContent(Disposition::Displayed);
  content.setPart = "3\r\nX: y";
  EXPECT_THROW(AcknowledgementBuilder::Build(content), Error);

  content = MakeContent(Disposition::Displayed);
  content.detail = "line\nbreak";
  EXPECT_THROW(AcknowledgementBuilder::Build(content), Error);
}

// #15: a site says inside its signed report that its receiver reads binary
// application/dicom parts; the field lives in the machine-readable part.
TEST(TransferMdn, CapabilityFieldRoundTrip)
{
  AcknowledgementContent content = MakeContent(Disposition::Displayed);
  EXPECT_EQ(std::string::npos, AcknowledgementBuilder::Build(content).find("X-DICOM-Mail-Capabilities"));
  EXPECT_FALSE(AcknowledgementParser::Parse(AcknowledgementBuilder::Build(content)).readsBinaryParts);

  content.readsBinaryParts = true;
  const std::string entity = AcknowledgementBuilder::Build(content);
  const size_t notification = entity.find("Content-Type: message/disposition-notification");
  const size_t field = entity.find("X-DICOM-Mail-Capabilities: binary-parts\r\n");
  ASSERT_NE(std::string::npos, field);
  EXPECT_GT(field, notification);   // in the report, not a header of the entity
  EXPECT_TRUE(AcknowledgementParser::Parse(entity).readsBinaryParts);
}

TEST(TransferMdn, CapabilityFieldIsReadLeniently)
{
  const std::string base = "Reporting-UA: b.example; Orthanc DICOM-Mail 0.2.0\r\n"
                           "Final-Recipient: rfc822; dicom@b.example\r\n"
                           "Original-Message-ID: <1@a.example>\r\n"
                           "Disposition: automatic-action/MDN-sent-automatically; displayed\r\n";
  EXPECT_FALSE(AcknowledgementParser::ParseFields(base).readsBinaryParts);
  EXPECT_TRUE(AcknowledgementParser::ParseFields(base + "x-dicom-mail-capabilities: later-thing, BINARY-PARTS\r\n")
              .readsBinaryParts);
  EXPECT_TRUE(AcknowledgementParser::ParseFields(base + "X-DICOM-Mail-Capabilities: later-thing\r\n"
                                     "X-DICOM-Mail-Capabilities:\r\n binary-parts\r\n").readsBinaryParts);
  // Only the exact token counts.
  EXPECT_FALSE(AcknowledgementParser::ParseFields(base + "X-DICOM-Mail-Capabilities: binary-parts-v2, no-binary-parts\r\n")
               .readsBinaryParts);
  EXPECT_FALSE(AcknowledgementParser::ParseFields(base + "X-DICOM-Mail-Capabilities:\r\n").readsBinaryParts);
}

TEST(TransferMdn, CapabilityHeaderOutsideTheReportDoesNotCount)
{
  // A header of the report entity (or of a mail around it) is not the report.
  const std::string entity = "X-DICOM-Mail-Capabilities: binary-parts\r\n" +
                             AcknowledgementBuilder::Build(MakeContent(Disposition::Displayed));
  EXPECT_FALSE(AcknowledgementParser::Parse(entity).readsBinaryParts);
}

// The receiver's completion time (#17): milliseconds, inside the report; a
// value that cannot be read, or two of them, count as none.
TEST(AcknowledgementWire, CompletionTimeInMilliseconds)
{
  AcknowledgementContent content = MakeContent(Disposition::Displayed);
  EXPECT_EQ(0, AcknowledgementParser::Parse(AcknowledgementBuilder::Build(content)).completedMs);
  EXPECT_EQ(std::string::npos, AcknowledgementBuilder::Build(content).find("X-DICOM-Mail-Completed"));

  content.completedMs = 1796621101234;   // 2026-12-07T05:25:01.234Z
  const std::string entity = AcknowledgementBuilder::Build(content);
  EXPECT_NE(std::string::npos, entity.find("X-DICOM-Mail-Completed: 2026-12-07T05:25:01.234Z\r\n"));
  EXPECT_EQ(1796621101234, AcknowledgementParser::Parse(entity).completedMs);

  const std::string fields = "Reporting-UA: b; x\r\nFinal-Recipient: rfc822; b@b.example\r\n"
                             "Original-Message-ID: <1@a.example>\r\n"
                             "Disposition: automatic-action/MDN-sent-automatically; displayed\r\n";
  EXPECT_EQ(1796621101000, AcknowledgementParser::ParseFields(fields + "X-DICOM-Mail-Completed: 2026-12-07T05:25:01Z\r\n").completedMs);
  EXPECT_EQ(0, AcknowledgementParser::ParseFields(fields + "X-DICOM-Mail-Completed: yesterday\r\n").completedMs);
  EXPECT_EQ(0, AcknowledgementParser::ParseFields(fields + "X-DICOM-Mail-Completed: 2026-12-07T05:25:01.234Z\r\n"
                                                  "X-DICOM-Mail-Completed: 2026-12-07T05:25:02.234Z\r\n").completedMs);
}
