// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Mime/ContentType.h"
#include "Core/Mime/EncodedWords.h"
#include "Core/Mime/MimeHeaders.h"
#include "Core/Mime/MimeIdentifiers.h"
#include "Core/Mime/TextEncoding.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

using namespace DicomMail;

namespace
{
  std::vector<std::string> SplitCrlf(const std::string& s)
  {
    std::vector<std::string> lines;
    size_t start = 0;
    for (;;)
    {
      const size_t end = s.find("\r\n", start);
      if (end == std::string::npos)
      {
        lines.push_back(s.substr(start));
        return lines;
      }
      lines.push_back(s.substr(start, end - start));
      start = end + 2;
    }
  }
}

TEST(MimeHeaders, ParseUnfoldsAndLooksUpCaseInsensitively)
{
  const std::string block =
    "From: a@example.org\r\n"
    "Subject: first\r\n"
    "  second\r\n"
    "\tthird\r\n"
    "X-TELEMEDICINE-SETID: 20261128.031502.9f3c1a7e\n"     // LF only
    "Received: one\r\n"
    "Received : two\r\n"                                    // obsolete "Name :"
    "Empty:\r\n"
    "\r\n"
    "Body: not a header\r\n";
  const MimeHeaders headers = MimeHeaders::Parse(block);
  ASSERT_EQ(6u, headers.GetSize());
  EXPECT_EQ("first  second\tthird", headers.Get("subject"));
  EXPECT_EQ("20261128.031502.9f3c1a7e", headers.Get("x-telemedicine-setid"));
  EXPECT_EQ(std::vector<std::string>({ "one", "two" }), headers.GetAll("RECEIVED"));
  EXPECT_TRUE(headers.Has("empty"));
  EXPECT_EQ("", headers.Get("Empty", "default"));
  EXPECT_FALSE(headers.Has("Body"));
  EXPECT_EQ("none", headers.Get("Missing", "none"));
  EXPECT_EQ("Subject", headers.GetFields()[1].name);
}

TEST(MimeHeaders, ParseErrors)
{
  EXPECT_THROW(MimeHeaders::Parse(" continuation first\r\n"), Error);
  EXPECT_THROW(MimeHeaders::Parse("no colon here\r\n"), Error);
  EXPECT_THROW(MimeHeaders::Parse("Bad Name: x\r\n"), Error);
  EXPECT_THROW(MimeHeaders::Parse(std::string("A: x\0y\r\n", 8)), Error);
  try
  {
    MimeHeaders::Parse("A: " + std::string(100, 'x') + "\r\n", 50);
    FAIL();
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::LimitExceeded, e.GetKind());
  }
  // Non-UTF-8 bytes are kept as they are; display decoding sanitizes them.
  const MimeHeaders latin = MimeHeaders::Parse("Subject: caf\xe9\r\n");
  EXPECT_EQ("caf\xe9", latin.Get("Subject"));
  EXPECT_EQ("caf\xEF\xBF\xBD", latin.GetDecoded("Subject"));
}

TEST(MimeHeaders, AddRejectsInjection)
{
  MimeHeaders headers;
  EXPECT_THROW(headers.Add("Subject", "x\r\nBcc: victim@example.org"), Error);
  EXPECT_THROW(headers.Add("Subject", "x\nBcc: y"), Error);
  EXPECT_THROW(headers.Add("Subject", "x\ry"), Error);
  EXPECT_THROW(headers.Add("Subject", std::string("x\0y", 3)), Error);
  EXPECT_THROW(headers.Add("Bad Name", "x"), Error);
  EXPECT_THROW(headers.Add("Bad:Name", "x"), Error);
  EXPECT_THROW(headers.Add("", "x"), Error);
  EXPECT_TRUE(headers.IsEmpty());

  EXPECT_TRUE(IsSafeHeaderValue("tab\tand UTF-8 \xc3\xa4"));
  EXPECT_FALSE(IsSafeHeaderValue("a\x7f"));
  EXPECT_FALSE(IsSafeHeaderValue("a\x1b[31m"));
}

TEST(MimeHeaders, SetRemoveAndFormat)
{
  MimeHeaders headers;
  headers.Add("To", "a@example.org");
  headers.Add("X-A", "1");
  headers.Add("x-a", "2");
  headers.Add("Subject", "s");
  headers.Set("X-a", "3");
  EXPECT_EQ(std::vector<std::string>({ "3" }), headers.GetAll("X-A"));
  EXPECT_EQ("X-a", headers.GetFields()[1].name);     // kept its place
  EXPECT_EQ(1u, headers.Remove("SUBJECT"));
  headers.Set("Date", "Sat, 28 Nov 2026 03:15:02 +0000");
  EXPECT_EQ("To: a@example.org\r\nX-a: 3\r\nDate: Sat, 28 Nov 2026 03:15:02 +0000\r\n", headers.Format());

  StringSink sink;
  headers.Write(sink);
  EXPECT_EQ(headers.Format(), sink.GetContent());
}

TEST(MimeHeaders, FoldingKeepsLinesShortAndRoundTrips)
{
  std::string value;
  for (int i = 0; i < 60; i++)
  {
    value += (i ? " " : "") + std::string("word") + std::to_string(i);
  }
  const std::string folded = MimeHeaders::FoldField("References", value);
  const std::vector<std::string> lines = SplitCrlf(folded);
  EXPECT_GT(lines.size(), 4u);
  for (size_t i = 0; i < lines.size(); i++)
  {
    EXPECT_LE(lines[i].size(), 78u) << lines[i];
    if (i > 0)
    {
      EXPECT_EQ(' ', lines[i][0]);
    }
  }
  const MimeHeaders parsed = MimeHeaders::Parse(folded + "\r\n");
  EXPECT_EQ(value, parsed.Get("References"));

  // A long word cannot be split: its line may exceed 78 but never 998.
  const std::string longWord(500, 'x');
  const std::vector<std::string> longLines = SplitCrlf(MimeHeaders::FoldField("X-Long", "a " + longWord + " b"));
  ASSERT_EQ(3u, longLines.size());
  EXPECT_EQ("X-Long: a", longLines[0]);
  EXPECT_EQ(" " + longWord, longLines[1]);
  EXPECT_EQ(" b", longLines[2]);

  EXPECT_THROW(MimeHeaders::FoldField("X-Long", std::string(1000, 'y')), Error);
  EXPECT_EQ("Subject: short", MimeHeaders::FoldField("Subject", "short"));
}

TEST(MimeHeaders, ContentTypeAndTransferEncodingDefaults)
{
  MimeHeaders none;
  EXPECT_EQ("text/plain", none.GetContentType().GetMimeType());
  EXPECT_EQ("us-ascii", none.GetContentType().GetParameter("charset"));
  EXPECT_EQ("7bit", none.GetTransferEncoding());

  const MimeHeaders headers = MimeHeaders::Parse("Content-Type: Application/DICOM; Name=\"IM000001.dcm\"\r\n"
                                                 "Content-Transfer-Encoding:  BASE64 \r\n");
  EXPECT_TRUE(headers.GetContentType().Is("application/dicom"));
  EXPECT_EQ("IM000001.dcm", headers.GetContentType().GetParameter("name"));
  EXPECT_EQ("base64", headers.GetTransferEncoding());

  const MimeHeaders broken = MimeHeaders::Parse("Content-Type: garbage\r\n");
  EXPECT_EQ("text/plain", broken.GetContentType().GetMimeType());   // RFC 2045 5.2
}

TEST(MimeContentType, ParsesParameters)
{
  const ContentType t = ContentType::Parse(
    "multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n boundary=\"=_DM_abc\" (comment); X=\"a \\\"q\\\" b\"; ;junk");
  EXPECT_EQ("multipart", t.GetType());
  EXPECT_EQ("encrypted", t.GetSubtype());
  EXPECT_TRUE(t.IsMultipart());
  EXPECT_EQ("application/pgp-encrypted", t.GetParameter("Protocol"));
  EXPECT_EQ("=_DM_abc", t.GetParameter("boundary"));
  EXPECT_EQ("a \"q\" b", t.GetParameter("x"));
  EXPECT_FALSE(t.HasParameter("junk"));

  const ContentType plain = ContentType::Parse("text/plain;charset=utf-8;format=flowed");
  EXPECT_EQ("utf-8", plain.GetParameter("charset"));
  EXPECT_EQ("flowed", plain.GetParameter("format"));

  EXPECT_THROW(ContentType::Parse("textplain"), Error);
  EXPECT_THROW(ContentType::Parse("/plain"), Error);
  EXPECT_THROW(ContentType::Parse(""), Error);
  ContentType ignored;
  EXPECT_FALSE(ContentType::TryParse(ignored, "text/"));
}

TEST(MimeContentType, Rfc2231ContinuationsAndCharsets)
{
  const ContentType t = ContentType::Parse(
    "application/octet-stream; name*0=\"long\"; name*1=\"-file\"; name*2=\".dcm\"; "
    "title*=UTF-8''Befund%20f%C3%BCr%20M%C3%BCller; "
    "latin*0*=iso-8859-1'de'M%FC; latin*1*=ller; "
    "mixed*=us-ascii'en'plain; mixed=ignored-when-extended-exists; "
    "gap*0=a; gap*2=c");
  EXPECT_EQ("long-file.dcm", t.GetParameter("name"));
  EXPECT_EQ("Befund f\xC3\xBCr M\xC3\xBCller", t.GetParameter("title"));
  EXPECT_EQ("M\xC3\xBCller", t.GetParameter("latin"));
  EXPECT_EQ("plain", t.GetParameter("mixed"));
  EXPECT_EQ("a", t.GetParameter("gap"));

  std::string disposition;
  const ContentType::Parameters p = ContentType::ParseParameters(
    disposition, "Attachment; filename=\"IM000001.dcm\"; size=528432");
  EXPECT_EQ("attachment", disposition);
  ASSERT_EQ(2u, p.size());
  EXPECT_EQ("filename", p[0].first);
  EXPECT_EQ("IM000001.dcm", p[0].second);
}

TEST(MimeContentType, FormatQuotesAndRoundTrips)
{
  ContentType t("Multipart", "Mixed");
  t.SetParameter("boundary", "=_DM_0123");
  t.SetParameter("token", "simple");
  t.SetParameter("text", "with \"quotes\" and \\");
  t.SetParameter("utf8", "f\xC3\xBCr");
  EXPECT_EQ("multipart/mixed; boundary=\"=_DM_0123\"; token=simple; "
            "text=\"with \\\"quotes\\\" and \\\\\"; utf8*=UTF-8''f%C3%BCr", t.Format());

  const ContentType back = ContentType::Parse(t.Format());
  EXPECT_EQ(t.GetParameters(), back.GetParameters());
  EXPECT_THROW(t.SetParameter("x", "a\r\nb"), Error);
  EXPECT_THROW(t.SetParameter("bad name", "a"), Error);
  EXPECT_THROW(ContentType("text plain", "x"), Error);
}

TEST(MimeEncodedWords, Decode)
{
  EXPECT_EQ("plain text", EncodedWords::Decode("plain text"));
  EXPECT_EQ("Bef\xC3\xBCnd", EncodedWords::Decode("=?UTF-8?B?QmVmw7xuZA==?="));
  EXPECT_EQ("Caf\xC3\xA9 au lait", EncodedWords::Decode("=?iso-8859-1?q?Caf=E9_au?= lait"));
  // White space between adjacent words disappears, elsewhere it stays.
  EXPECT_EQ("ab c", EncodedWords::Decode("=?utf-8?q?a?=  \r\n =?utf-8?q?b?= c"));
  EXPECT_EQ("x a", EncodedWords::Decode("x =?utf-8?q?a?="));
  // A character split across two words is joined before conversion.
  EXPECT_EQ("\xC3\xBC", EncodedWords::Decode("=?UTF-8?Q?=C3?= =?UTF-8?Q?=BC?="));
  // Malformed words are left alone; invalid bytes become U+FFFD.
  EXPECT_EQ("=?UTF-8?X?abc?=", EncodedWords::Decode("=?UTF-8?X?abc?="));
  EXPECT_EQ("=?UTF-8?B?***?=", EncodedWords::Decode("=?UTF-8?B?***?="));
  EXPECT_EQ("=?broken", EncodedWords::Decode("=?broken"));
  EXPECT_EQ("a\xEF\xBF\xBD" "b", EncodedWords::Decode("a\xff" "b"));
  EXPECT_EQ("\xEF\xBF\xBD", EncodedWords::Decode("=?UTF-8?B?/w==?="));
  EXPECT_EQ("\xEF\xBF\xBD\xEF\xBF\xBD", EncodedWords::Decode("\xC0\xAF"));       // overlong
  EXPECT_EQ("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", EncodedWords::Decode("\xED\xA0\x80"));  // surrogate
}

TEST(MimeEncodedWords, EncodeRoundTrips)
{
  EXPECT_EQ("DICOM-eMail", EncodedWords::Encode("DICOM-eMail"));
  std::string text;
  for (int i = 0; i < 40; i++)
  {
    text += "\xC3\xBC\xE2\x82\xAC x ";    // ü € x
  }
  const std::string encoded = EncodedWords::Encode(text);
  EXPECT_TRUE(IsSafeHeaderValue(encoded));
  size_t start = 0;
  while (start < encoded.size())
  {
    size_t end = encoded.find(' ', start);
    if (end == std::string::npos)
    {
      end = encoded.size();
    }
    EXPECT_LE(end - start, 75u);
    EXPECT_EQ("=?UTF-8?B?", encoded.substr(start, 10));
    start = end + 1;
  }
  EXPECT_EQ(text, EncodedWords::Decode(encoded));
  EXPECT_EQ("=?UTF-8?B?PT8=?=", EncodedWords::Encode("=?"));   // would look like a word
}

TEST(MimeIdentifiers, BoundariesAndMessageIds)
{
  std::set<std::string> seen;
  const std::regex boundary("=_DM_[0-9a-f]{32}");
  const std::regex messageId("<[0-9a-f]{32}@mail\\.example\\.org>");
  for (int i = 0; i < 1000; i++)
  {
    const std::string b = MimeIdentifiers::GenerateBoundary();
    const std::string m = MimeIdentifiers::GenerateMessageId("mail.example.org");
    EXPECT_TRUE(std::regex_match(b, boundary)) << b;
    EXPECT_TRUE(std::regex_match(m, messageId)) << m;
    EXPECT_TRUE(seen.insert(b).second);
    EXPECT_TRUE(seen.insert(m).second);
  }
  EXPECT_THROW(MimeIdentifiers::GenerateMessageId("bad domain>"), Error);
  EXPECT_THROW(MimeIdentifiers::GenerateMessageId(""), Error);
}

TEST(MimeTextEncoding, Utf8Helpers)
{
  EXPECT_TRUE(TextEncoding::IsValidUtf8("a\xC3\xBC\xF0\x9F\x98\x80"));
  EXPECT_FALSE(TextEncoding::IsValidUtf8("a\xC3"));
  EXPECT_FALSE(TextEncoding::IsValidUtf8("\xF4\x90\x80\x80"));     // above U+10FFFF
  EXPECT_EQ("a\xEF\xBF\xBD", TextEncoding::SanitizeUtf8("a\xC3"));
  EXPECT_EQ("\xC3\xBC\xC3\xBF", TextEncoding::Latin1ToUtf8("\xFC\xFF"));
  EXPECT_EQ("\xC3\xBC", TextEncoding::ToUtf8("\xFC", "ISO-8859-1"));
  EXPECT_EQ("\xEF\xBF\xBD", TextEncoding::ToUtf8("\xFC", "x-unknown"));
}
