// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Mime/ContentType.h"
#include "Core/Mime/EncodedWords.h"
#include "Core/Mime/MailboxFormatter.h"
#include "Core/Mime/MimeHeaders.h"
#include "Core/Mime/MimeWriter.h"
#include "Core/Mime/TextEncoding.h"
#include "Core/Receiving/MailAddress.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace DicomMail;

namespace
{
  const std::string kSouth = "Klinikum S\xC3\xBC" "d, Radiologie";                                // Süd
  const std::string kCologne = "Praxis Dr. M\xC3\xBCller & Partner (K\xC3\xB6ln)";            // Müller, Köln
  const std::string kUmlauts = "\xC3\x84rzte \xC3\x96\xC3\x9F \xC3\x9C\xC3\xA4\xC3\xB6\xC3\xBC\xC3\x9F";  // Ärzte Öß Üäöüß

  bool IsSevenBit(const std::string& s)
  {
    for (unsigned char c : s)
    {
      if (c >= 0x80)
      {
        return false;
      }
    }
    return true;
  }

  std::vector<std::string> Lines(const std::string& folded)
  {
    std::vector<std::string> lines;
    size_t start = 0;
    for (;;)
    {
      const size_t end = folded.find("\r\n", start);
      lines.push_back(folded.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (end == std::string::npos)
      {
        return lines;
      }
      start = end + 2;
    }
  }

  // What a reader gets back from a written "From:" field.
  std::string RoundTrip(const std::string& name)
  {
    const std::string field = MimeHeaders::FoldField("From", MailboxFormatter::FormatMailbox(name, "a@b.test"));
    const MimeHeaders parsed = MimeHeaders::Parse(field + "\r\n");
    return MailboxFormatter::ExtractDisplayName(parsed.Get("From"));
  }
}

TEST(MimeMailboxFormatter, AsciiNamesAreAtomsOrQuotedStrings)
{
  EXPECT_EQ("<pacs@h.test>", MailboxFormatter::FormatMailbox("", "pacs@h.test"));
  EXPECT_EQ("Hospital <pacs@h.test>", MailboxFormatter::FormatMailbox("Hospital", "pacs@h.test"));
  EXPECT_EQ("Orthanc DICOM-Mail", MailboxFormatter::FormatDisplayName("Orthanc DICOM-Mail"));
  EXPECT_EQ("\"Doe, J.\"", MailboxFormatter::FormatDisplayName("Doe, J."));
  EXPECT_EQ("\"Say \\\"hi\\\" (now)\"", MailboxFormatter::FormatDisplayName("Say \"hi\" (now)"));
  EXPECT_EQ("\"C:\\\\dir <x>\"", MailboxFormatter::FormatDisplayName("C:\\dir <x>"));
  EXPECT_EQ("\" two  spaces\"", MailboxFormatter::FormatDisplayName(" two  spaces"));
  for (const char* name : { "Doe, J.", "Say \"hi\" (now)", "C:\\dir <x>", "a@b;c:d[e]", "Hospital" })
  {
    EXPECT_EQ(name, RoundTrip(name)) << name;
  }
}

TEST(MimeMailboxFormatter, NonAsciiNamesAreEncodedWholly)
{
  for (const std::string& name : { kSouth, kCologne, kUmlauts, std::string("Stra\xC3\x9F" "e"),
                                   std::string("looks =?like?= a word") })
  {
    const std::string phrase = MailboxFormatter::FormatDisplayName(name);
    EXPECT_TRUE(IsSevenBit(phrase)) << phrase;
    EXPECT_EQ(0u, phrase.find("=?UTF-8?B?")) << phrase;
    EXPECT_EQ(std::string::npos, phrase.find_first_of("\",()<>")) << phrase;
    EXPECT_EQ(name, EncodedWords::Decode(phrase));
    EXPECT_EQ(name, RoundTrip(name));
  }
}

TEST(MimeMailboxFormatter, NonAsciiNameWithACommaIsOneMailbox)
{
  // Unquoted, the comma of "Klinikum Süd, Radiologie" would end the mailbox
  // and leave "Klinikum Süd" as an address of its own.
  const std::string value = MailboxFormatter::FormatMailbox(kSouth, "radiologie@sued.test");
  EXPECT_TRUE(IsSevenBit(value)) << value;
  const size_t address = value.rfind(" <radiologie@sued.test>");
  ASSERT_NE(std::string::npos, address) << value;
  EXPECT_EQ(std::string::npos, value.substr(0, address).find(',')) << value;
  EXPECT_EQ("radiologie@sued.test", MailAddress::Extract(value));
  EXPECT_EQ(kSouth, RoundTrip(kSouth));
}

TEST(MimeMailboxFormatter, LongNamesFoldIntoShortLines)
{
  std::string name;
  for (int i = 0; i < 6; i++)    // within kMaxDisplayNameBytes, several words
  {
    name += kCologne + " ";
  }
  name += "Ende";
  const std::string value = MailboxFormatter::FormatMailbox(name, "radiologie@klinikum-sued.example");
  EXPECT_GE(std::count(value.begin(), value.end(), '?'), 20) << "several encoded words";
  for (const char* header : { "From", "To" })
  {
    const std::string folded = MimeHeaders::FoldField(header, value);
    EXPECT_TRUE(IsSevenBit(folded));
    for (const std::string& line : Lines(folded))
    {
      EXPECT_LE(line.size(), 76u) << line;   // RFC 2047 section 2, within RFC 5322's 78
    }
  }
  EXPECT_EQ(name, RoundTrip(name));

  // The subject's words fit after "Subject: " too.
  for (const std::string& line : Lines(MimeHeaders::FoldField("Subject", EncodedWords::Encode(name))))
  {
    EXPECT_LE(line.size(), 76u) << line;
  }
}

TEST(MimeMailboxFormatter, CheckDisplayName)
{
  EXPECT_EQ("", MailboxFormatter::CheckDisplayName(kSouth));
  EXPECT_EQ("", MailboxFormatter::CheckDisplayName("Klinikum \"S\xC3\xBC" "d\""));
  EXPECT_EQ("", MailboxFormatter::CheckDisplayName(kCologne));
  EXPECT_NE("", MailboxFormatter::CheckDisplayName("line\r\nBcc: x@y"));
  EXPECT_NE("", MailboxFormatter::CheckDisplayName("tab\there"));
  EXPECT_NE("", MailboxFormatter::CheckDisplayName("nul" + std::string(1, '\0')));
  EXPECT_NE("", MailboxFormatter::CheckDisplayName("C1 \xC2\x85"));          // NEL
  EXPECT_NE("", MailboxFormatter::CheckDisplayName("Latin-1 S\xFC" "d"));    // not UTF-8
  EXPECT_NE("", MailboxFormatter::CheckDisplayName(std::string(300, 'x')));
}

TEST(MimeMailboxFormatter, UserIdsStayParsableByGpgme)
{
  EXPECT_EQ(kCologne + " <a@b.test>", MailboxFormatter::FormatUserId(kCologne, "a@b.test"));
  EXPECT_EQ("Klinikum \"S\xC3\xBC" "d\" <a@b.test>",
            MailboxFormatter::FormatUserId("Klinikum \"S\xC3\xBC" "d\"", "a@b.test"));
  EXPECT_EQ("A[B] <a@b.test>", MailboxFormatter::FormatUserId("A<B>", "a@b.test"));
  EXPECT_EQ("Open [paren <a@b.test>", MailboxFormatter::FormatUserId("Open (paren", "a@b.test"));
  EXPECT_EQ("x] [y <a@b.test>", MailboxFormatter::FormatUserId("x) (y", "a@b.test"));
}

TEST(MimeMailboxFormatter, ExtractDisplayNameOfReceivedHeaders)
{
  using MailboxFormatter::ExtractDisplayName;
  EXPECT_EQ("", ExtractDisplayName("a@b.test"));
  EXPECT_EQ("", ExtractDisplayName("<a@b.test>"));
  EXPECT_EQ("Doe, J.", ExtractDisplayName("\"Doe, J.\" <a@b.test>"));
  EXPECT_EQ("Old Style", ExtractDisplayName("a@b.test (Old Style)"));
  EXPECT_EQ("Hospital A", ExtractDisplayName("Hospital A <a@b.test> (comment)"));
  EXPECT_EQ("Caf\xC3\xA9 Rad", ExtractDisplayName("=?ISO-8859-1?Q?Caf=E9?= Rad <a@b.test>"));
  EXPECT_EQ(kSouth, ExtractDisplayName("\"" + kSouth + "\" <a@b.test>"));   // raw UTF-8
  EXPECT_EQ("S\xC3\xBC" "d", ExtractDisplayName("\"=?utf-8?q?S=C3=BCd?=\" <a@b.test>"));    // words in quotes
  EXPECT_EQ("\xE2\x82\xAC Euro", ExtractDisplayName("=?iso-8859-15?q?=A4_Euro?= <a@b.test>"));
  EXPECT_EQ("a b", ExtractDisplayName("=?utf-8?q?a=0D=0A=00b?= <a@b.test>"));    // controls: spaces
  EXPECT_EQ(MailboxFormatter::kMaxDisplayNameBytes, ExtractDisplayName(std::string(1000, 'x') + " <a@b>").size());
}

TEST(MimeEncodedWords, DecodesIso8859_15AndWindows1252)
{
  EXPECT_EQ("\xE2\x82\xAC", EncodedWords::Decode("=?ISO-8859-15?Q?=A4?="));                 // €
  EXPECT_EQ("\xC2\xA4", EncodedWords::Decode("=?ISO-8859-1?Q?=A4?="));                      // ¤
  EXPECT_EQ("\xC5\xA0\xC5\xA1\xC5\xBD\xC5\xBE\xC5\x92\xC5\x93\xC5\xB8",                 // ŠšŽžŒœŸ
            EncodedWords::Decode("=?iso-8859-15?B?" + std::string("pqi0uLy9vg==") + "?="));
  EXPECT_EQ("M\xC3\xBCller", EncodedWords::Decode("=?ISO-8859-15?Q?M=FCller?="));           // same as Latin-1
  EXPECT_EQ("\xE2\x82\xAC", EncodedWords::Decode("=?windows-1252?Q?=80?="));                // €
  EXPECT_EQ("\xE2\x80\x9E" "Dr.\xE2\x80\x9C", EncodedWords::Decode("=?Windows-1252?Q?=84Dr=2E=93?="));  // „Dr."
  EXPECT_EQ("\xEF\xBF\xBD", EncodedWords::Decode("=?cp1252?Q?=81?="));                       // undefined
  EXPECT_EQ("M\xC3\xBCller", EncodedWords::Decode("=?windows-1252?Q?M=FCller?="));
  EXPECT_EQ("\xE2\x80\x94", TextEncoding::ToUtf8("\x97", "WINDOWS-1252"));                   // —
  EXPECT_EQ("\xC2\x97", TextEncoding::ToUtf8("\x97", "ISO-8859-1"));
}

TEST(MimeWriter, RefusesEightBitHeaders)
{
  StringSink out;
  MimeWriter writer(out);
  MimeHeaders headers;
  headers.Add("From", "Klinikum S\xC3\xBC" "d <a@b.test>");
  try
  {
    writer.BeginLeaf(headers, TransferEncoding::SevenBit);
    FAIL() << "an 8-bit header was written";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Internal, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("header From")) << e.what();
  }
  EXPECT_EQ("", out.GetContent());

  // Non-ASCII file names go RFC 2231 style, and pass.
  ContentType type("application", "dicom");
  type.SetParameter("name", "Bef\xC3\xBCnd.dcm");
  MimeHeaders part;
  part.Add("Content-Type", type.Format());
  part.Add("Content-Disposition", "attachment; " + ContentType::FormatParameter("filename", "Bef\xC3\xBCnd.dcm"));
  StringSink ok;
  MimeWriter good(ok);
  good.BeginLeaf(part, TransferEncoding::SevenBit).Write(std::string("x"));
  good.EndLeaf();
  good.Finish();
  EXPECT_TRUE(IsSevenBit(ok.GetContent()));
  EXPECT_NE(std::string::npos, ok.GetContent().find("filename*=UTF-8''Bef%C3%BCnd.dcm"));
}
