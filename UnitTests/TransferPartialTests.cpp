// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Transfer/PartialFragmentInfo.h"
#include "Core/Transfer/PartialReassembler.h"
#include "Core/Transfer/PartialSplitter.h"
#include "UnitTests/TestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

using namespace DicomMail;

namespace
{
  using TempDirectory = TestSupport::ScratchDirectory;

  const char* const kHeadersOuterFirst =
    "From: Orthanc <orthanc@site-a.example>\r\n"
    "To: partner@site-b.example\r\n"
    "Date: Sat, 28 Nov 2026 03:15:02 +0000\r\n"
    "X-TELEMEDICINE-SETID: 20261128.031502.9f3c1a7e\r\n"
    "X-TELEMEDICINE-SETPART: 3\r\n"
    "X-TELEMEDICINE-SETTOTAL: 7\r\n"
    "Disposition-Notification-To: orthanc@site-a.example\r\n"
    "Subject: DICOM-eMail\r\n"
    "Message-ID: <0123456789abcdef@site-a.example>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n"
    " boundary=\"=_DM_0123456789abcdef\"\r\n"
    "\r\n";

  // Enclosed and outer fields interleaved, as another composer may write them.
  const char* const kHeadersMixed =
    "Message-ID: <0123456789abcdef@site-a.example>\r\n"
    "Date: Sat, 28 Nov 2026 03:15:02 +0000\r\n"
    "From: Orthanc <orthanc@site-a.example>\r\n"
    "Subject: DICOM-eMail\r\n"
    "To: partner@site-b.example,\r\n"
    "\tsecond@site-b.example\r\n"
    "MIME-Version: 1.0\r\n"
    "X-TELEMEDICINE-SETID: 20261128.031502.9f3c1a7e\r\n"
    "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n"
    " boundary=\"=_DM_0123456789abcdef\"\r\n"
    "X-TELEMEDICINE-SETPART: 3\r\n"
    "X-TELEMEDICINE-SETTOTAL: 7\r\n"
    "\r\n";

  // A mail shaped like ours: multipart/encrypted with an armored body of
  // "armorLines" random base64 lines of 64 characters.
  std::string MakeMail(const std::string& headers, size_t armorLines, unsigned int seed)
  {
    static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::mt19937 random(seed);
    std::string mail = headers;
    mail += "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n"
            "--=_DM_0123456789abcdef\r\n"
            "Content-Type: application/pgp-encrypted\r\n"
            "\r\n"
            "Version: 1\r\n"
            "--=_DM_0123456789abcdef\r\n"
            "Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n"
            "\r\n"
            "-----BEGIN PGP MESSAGE-----\r\n"
            "\r\n";
    for (size_t i = 0; i < armorLines; i++)
    {
      // Some short lines too, so that cut points vary.
      const size_t length = (random() % 10 == 0 ? random() % 64 + 1 : 64);
      for (size_t j = 0; j < length; j++)
      {
        mail.push_back(kAlphabet[random() % 64]);
      }
      mail += "\r\n";
    }
    mail += "=AbCd\r\n"
            "-----END PGP MESSAGE-----\r\n"
            "\r\n"
            "--=_DM_0123456789abcdef--\r\n";
    return mail;
  }

  // Splits "mail" (through a temporary file) into in-memory fragments.
  std::vector<std::string> SplitToStrings(const std::string& mail, uint64_t limit,
                                          unsigned int maxFragments = 10000)
  {
    TempDirectory directory;
    const std::string path = directory.GetPath() + "/mail.eml";
    Files::WriteAll(path, mail);

    std::vector<std::unique_ptr<StringSink> > sinks;
    std::vector<std::string> fragments;

    class Forward : public ByteSink
    {
    public:
      explicit Forward(std::string& target) :
        target_(target)
      {
      }

      using ByteSink::Write;
      void Write(const void* data, size_t size) override
      {
        target_.append(static_cast<const char*>(data), size);
      }

    private:
      std::string& target_;
    };

    std::vector<std::string> result;
    PartialSplitter splitter(limit, maxFragments);
    const unsigned int total = splitter.Split(path, [&](unsigned int number, unsigned int n)
    {
      EXPECT_EQ(result.size() + 1, number);
      EXPECT_GE(n, number);
      result.emplace_back();
      return std::unique_ptr<ByteSink>(new Forward(result.back()));
    });
    EXPECT_EQ(total, result.size());
    return result;
  }

  PartialReassembler::SourceOpener FromString(const std::string& content)
  {
    return [content]()
    {
      return std::unique_ptr<ByteSource>(new StringSource(content));
    };
  }

  std::string HeaderOf(const std::string& fragment)
  {
    return fragment.substr(0, fragment.find("\r\n\r\n") + 4);
  }

  std::string BodyOf(const std::string& fragment)
  {
    return fragment.substr(fragment.find("\r\n\r\n") + 4);
  }

  PartialFragmentInfo InfoOf(const std::string& fragment)
  {
    StringSource source(fragment);
    return PartialFragmentInfo::Read(source, 10000, 65536);
  }

  std::string Reassemble(const std::vector<std::string>& fragments, unsigned int seed)
  {
    // Every fragment in random order, a third of them twice.
    std::vector<std::string> shuffled = fragments;
    std::mt19937 random(seed);
    for (size_t i = 0; i < fragments.size(); i += 3)
    {
      shuffled.push_back(fragments[i]);
    }
    std::shuffle(shuffled.begin(), shuffled.end(), random);

    PartialReassembler reassembler;
    size_t accepted = 0;
    for (const std::string& fragment : shuffled)
    {
      if (reassembler.AddFragment(FromString(fragment)))
      {
        accepted++;
      }
    }
    EXPECT_EQ(fragments.size(), accepted);
    EXPECT_TRUE(reassembler.IsComplete());
    EXPECT_TRUE(reassembler.GetMissing().empty());

    StringSink output;
    reassembler.Reassemble(output);
    return output.GetContent();
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

  std::string MakeFragment(const std::string& contentType, const std::string& body = "data\r\n")
  {
    return ("From: a@b.example\r\n"
            "Content-Type: " + contentType + "\r\n"
            "\r\n" + body);
  }
}

TEST(TransferPartialSplitter, RoundTripIsByteExactForManySizes)
{
  unsigned int seed = 1;
  for (const char* headers : { kHeadersOuterFirst, kHeadersMixed })
  {
    for (size_t lines : { 0, 1, 7, 100, 1000, 6000 })
    {
      const std::string mail = MakeMail(headers, lines, seed++);
      for (uint64_t limit : { 2000ull, 2001ull, 3333ull, 20000ull, 100000ull, 1000000ull })
      {
        SCOPED_TRACE("lines " + std::to_string(lines) + ", limit " + std::to_string(limit));
        const std::vector<std::string> fragments = SplitToStrings(mail, limit);
        ASSERT_FALSE(fragments.empty());

        std::string bodies;
        std::string id;
        for (size_t i = 0; i < fragments.size(); i++)
        {
          const std::string& fragment = fragments[i];
          EXPECT_LE(fragment.size(), limit);
          EXPECT_TRUE(std::all_of(fragment.begin(), fragment.end(), [](char c)
          {
            return c > 0 && static_cast<unsigned char>(c) < 128;
          })) << "fragment " << i + 1 << " is not 7bit";

          const PartialFragmentInfo info = InfoOf(fragment);
          EXPECT_EQ(i + 1, info.number);
          EXPECT_EQ(fragments.size(), info.total);
          EXPECT_EQ("20261128.031502.9f3c1a7e", info.setId);
          EXPECT_EQ("3", info.setPart);
          EXPECT_EQ("7", info.setTotal);
          if (i == 0)
          {
            id = info.id;
            EXPECT_NE(std::string::npos, id.find("@site-a.example"));
          }
          EXPECT_EQ(id, info.id);

          const std::string header = HeaderOf(fragment);
          EXPECT_NE(std::string::npos, header.find("\r\nSubject: DICOM-eMail\r\n"));
          EXPECT_NE(std::string::npos, header.find("From: Orthanc <orthanc@site-a.example>\r\n"));
          EXPECT_EQ(std::string::npos, header.find("multipart/encrypted"));
          EXPECT_EQ(std::string::npos, header.find("<0123456789abcdef@site-a.example>"));
          bodies += BodyOf(fragment);
        }

        // Fragment 1 begins with the enclosed mail's whole header block; the
        // bodies together are the mail.
        EXPECT_EQ(0u, BodyOf(fragments[0]).find(headers));
        EXPECT_EQ(mail, bodies);

        EXPECT_EQ(mail, Reassemble(fragments, seed++));
      }
    }
  }
}

TEST(TransferPartialSplitter, SmallLimitGivesManyFragments)
{
  const std::string mail = MakeMail(kHeadersOuterFirst, 3000, 99);
  const std::vector<std::string> fragments = SplitToStrings(mail, 2500);
  EXPECT_GT(fragments.size(), 80u);
  for (const std::string& fragment : fragments)
  {
    EXPECT_LE(fragment.size(), 2500u);
    // Cut at line ends only: every body ends with CRLF.
    EXPECT_EQ("\r\n", fragment.substr(fragment.size() - 2));
  }
  std::set<std::string> messageIds;
  for (const std::string& fragment : fragments)
  {
    const size_t start = fragment.find("\r\nMessage-ID: ") + 14;
    messageIds.insert(fragment.substr(start, fragment.find("\r\n", start) - start));
  }
  EXPECT_EQ(fragments.size(), messageIds.size());   // one Message-ID per fragment
  EXPECT_EQ(mail, Reassemble(fragments, 5));
}

TEST(TransferPartialSplitter, MailThatFitsGivesOneFragment)
{
  const std::string mail = MakeMail(kHeadersOuterFirst, 10, 3);
  const std::vector<std::string> fragments = SplitToStrings(mail, 1000000);
  ASSERT_EQ(1u, fragments.size());
  EXPECT_NE(std::string::npos, fragments[0].find("number=1; total=1"));
  EXPECT_EQ(mail, Reassemble(fragments, 1));
}

TEST(TransferPartialSplitter, LastLineWithoutLineEnd)
{
  std::string mail = MakeMail(kHeadersOuterFirst, 200, 4);
  mail += "trailing text without a line end";
  const std::vector<std::string> fragments = SplitToStrings(mail, 3000);
  EXPECT_GT(fragments.size(), 2u);
  EXPECT_EQ(mail, Reassemble(fragments, 2));
}

TEST(TransferPartialSplitter, ToDirectoryAndBackFromFiles)
{
  TempDirectory directory;
  const std::string mail = MakeMail(kHeadersMixed, 2000, 8);
  const std::string mailPath = directory.GetPath() + "/mail.eml";
  Files::WriteAll(mailPath, mail);

  PartialSplitter splitter(40000);
  const std::vector<std::string> paths = splitter.SplitToDirectory(mailPath, directory.GetPath(), "frag-");
  ASSERT_GT(paths.size(), 2u);
  EXPECT_EQ(directory.GetPath() + "/frag-00001.eml", paths[0]);

  PartialReassembler reassembler;
  for (size_t i = paths.size(); i > 0; i--)
  {
    EXPECT_LE(Files::GetSize(paths[i - 1]), 40000u);
    EXPECT_TRUE(reassembler.AddFragmentFile(paths[i - 1]));
    EXPECT_EQ(i == 1, reassembler.IsComplete());
  }
  StringSink output;
  reassembler.Reassemble(output);
  EXPECT_EQ(mail, output.GetContent());

  // A fragment replaced on disk after it was added is noticed.
  Files::WriteAll(paths[1], MakeFragment("message/partial; id=\"other@x\"; number=2"));
  StringSink ignored;
  ExpectError([&] { reassembler.Reassemble(ignored); }, ErrorKind::BadInput, "changed after it was added");
}

TEST(TransferPartialSplitter, RefusesWhatWouldNotBeValid7bit)
{
  const std::string good = MakeMail(kHeadersOuterFirst, 100, 6);
  const size_t bodyStart = good.find("\r\n\r\n") + 4;

  std::string bareLf = good;
  bareLf.insert(bodyStart + 20, "\n");
  ExpectError([&] { SplitToStrings(bareLf, 3000); }, ErrorKind::BadInput, "not 7bit text with CRLF");

  std::string bareCr = good;
  bareCr.insert(bodyStart + 20, "\r");
  ExpectError([&] { SplitToStrings(bareCr, 3000); }, ErrorKind::BadInput, "not 7bit text with CRLF");

  std::string eightBit = good;
  eightBit[bodyStart + 30] = '\xe4';
  ExpectError([&] { SplitToStrings(eightBit, 3000); }, ErrorKind::BadInput, "byte 228");

  std::string nul = good;
  nul[bodyStart + 30] = '\0';
  ExpectError([&] { SplitToStrings(nul, 3000); }, ErrorKind::BadInput, "byte 0");

  std::string longLine = good;
  longLine.insert(bodyStart, std::string(999, 'A') + "\r\n");
  ExpectError([&] { SplitToStrings(longLine, 100000); }, ErrorKind::BadInput, "longer than 998");

  std::string lfHeaders = good;
  lfHeaders.replace(good.find("\r\n\r\n"), 4, "\r\n\n");
  EXPECT_THROW(SplitToStrings(lfHeaders, 3000), Error);
}

TEST(TransferPartialSplitter, RefusesImpossibleLimitsAndMissingHeaders)
{
  const std::string mail = MakeMail(kHeadersOuterFirst, 100, 6);
  ExpectError([&] { SplitToStrings(mail, 400); }, ErrorKind::LimitExceeded, "cannot hold");
  ExpectError([&] { SplitToStrings(mail, 800); }, ErrorKind::LimitExceeded, "do not fit in the first fragment");
  ExpectError([&] { SplitToStrings(mail, 2000, 3); }, ErrorKind::LimitExceeded, "more than 3 fragments");

  std::string noSetId = mail;
  noSetId.erase(noSetId.find("X-TELEMEDICINE-SETID"), noSetId.find("X-TELEMEDICINE-SETPART") -
                noSetId.find("X-TELEMEDICINE-SETID"));
  ExpectError([&] { SplitToStrings(noSetId, 3000); }, ErrorKind::BadInput, "X-TELEMEDICINE-SETID");

  ExpectError([&] { SplitToStrings("no header block at all", 3000); }, ErrorKind::BadInput, "");
  EXPECT_THROW(PartialSplitter(1000, 0), Error);

  // A missing input file.
  PartialSplitter splitter(3000);
  EXPECT_THROW(splitter.Split("/nonexistent/mail.eml", [](unsigned int, unsigned int)
  {
    return std::unique_ptr<ByteSink>(new StringSink);
  }), Error);
}

TEST(TransferPartialReassembler, Rfc2046Example)
{
  // RFC 2046 §5.2.2.2, with CRLF line ends.
  const std::string first =
    "X-Weird-Header-1: Foo\r\n"
    "From: Bill@host.com\r\n"
    "To: joe@otherhost.com\r\n"
    "Date: Fri, 26 Mar 1993 12:59:38 -0500 (EST)\r\n"
    "Subject: Audio mail (part 1 of 2)\r\n"
    "Message-ID: <id1@host.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-type: message/partial; id=\"ABC@host.com\";\r\n"
    "     number=1; total=2\r\n"
    "\r\n"
    "X-Weird-Header-1: Bar\r\n"
    "X-Weird-Header-2: Hello\r\n"
    "Message-ID: <anotherid@foo.com>\r\n"
    "Subject: Audio mail\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-type: audio/basic\r\n"
    "Content-transfer-encoding: base64\r\n"
    "\r\n"
    "  ... first half of encoded audio data goes here ...\r\n";
  const std::string second =
    "From: Bill@host.com\r\n"
    "To: joe@otherhost.com\r\n"
    "Date: Fri, 26 Mar 1993 12:59:38 -0500 (EST)\r\n"
    "Subject: Audio mail (part 2 of 2)\r\n"
    "MIME-Version: 1.0\r\n"
    "Message-ID: <id2@host.com>\r\n"
    "Content-type: message/partial;\r\n"
    "     id=\"ABC@host.com\"; number=2; total=2\r\n"
    "\r\n"
    "  ... second half of encoded audio data goes here ...\r\n";
  const std::string expected =
    "X-Weird-Header-1: Foo\r\n"
    "From: Bill@host.com\r\n"
    "To: joe@otherhost.com\r\n"
    "Date: Fri, 26 Mar 1993 12:59:38 -0500 (EST)\r\n"
    "Message-ID: <anotherid@foo.com>\r\n"
    "Subject: Audio mail\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-type: audio/basic\r\n"
    "Content-transfer-encoding: base64\r\n"
    "\r\n"
    "  ... first half of encoded audio data goes here ...\r\n"
    "  ... second half of encoded audio data goes here ...\r\n";

  PartialReassembler reassembler;
  EXPECT_TRUE(reassembler.AddFragment(FromString(second)));
  EXPECT_FALSE(reassembler.IsComplete());
  EXPECT_EQ(std::vector<unsigned int>({ 1 }), reassembler.GetMissing());
  EXPECT_TRUE(reassembler.AddFragment(FromString(first)));
  EXPECT_EQ("ABC@host.com", reassembler.GetId());
  EXPECT_EQ(2u, reassembler.GetTotal());

  StringSink output;
  reassembler.Reassemble(output);
  EXPECT_EQ(expected, output.GetContent());
}

TEST(TransferPartialReassembler, TraceFieldsAddedByServersStayOnTop)
{
  const std::string mail = MakeMail(kHeadersMixed, 500, 12);
  std::vector<std::string> fragments = SplitToStrings(mail, 8000);
  ASSERT_GT(fragments.size(), 2u);
  const std::string trace =
    "Return-Path: <orthanc@site-a.example>\r\n"
    "Received: from mx.site-a.example by mx.site-b.example\r\n"
    " with ESMTPS id 4Abc; Sat, 28 Nov 2026 03:15:04 +0000\r\n";
  for (std::string& fragment : fragments)
  {
    fragment = trace + fragment;
  }
  EXPECT_EQ(trace + mail, Reassemble(fragments, 3));
}

TEST(TransferPartialReassembler, MissingFragments)
{
  PartialReassembler reassembler;
  for (unsigned int number : { 1u, 2u, 4u })
  {
    reassembler.AddFragment(FromString(MakeFragment("message/partial; id=\"x@y\"; number=" +
                                                    std::to_string(number))));
  }
  EXPECT_EQ(0u, reassembler.GetTotal());
  EXPECT_FALSE(reassembler.IsComplete());
  EXPECT_TRUE(reassembler.GetMissing().empty());
  StringSink output;
  ExpectError([&] { reassembler.Reassemble(output); }, ErrorKind::BadInput, "the last fragment");

  reassembler.AddFragment(FromString(MakeFragment("message/partial; id=\"x@y\"; number=5; total=5")));
  EXPECT_EQ(std::vector<unsigned int>({ 3 }), reassembler.GetMissing());
  ExpectError([&] { reassembler.Reassemble(output); }, ErrorKind::BadInput, "fragment 3 of 5 missing");
  EXPECT_TRUE(output.GetContent().empty());

  PartialReassembler empty;
  ExpectError([&] { empty.Reassemble(output); }, ErrorKind::BadInput, "No message/partial fragment");
}

TEST(TransferPartialReassembler, ConflictingFragmentsAreRefused)
{
  PartialReassembler reassembler;
  reassembler.AddFragment(FromString(MakeFragment("message/partial; id=\"x@y\"; number=2; total=5")));

  ExpectError([&] { reassembler.AddFragment(FromString(MakeFragment("message/partial; id=\"x@y\"; number=3; total=6"))); },
              ErrorKind::BadInput, "total=6 but an earlier fragment said total=5");
  // A duplicate number does not excuse a conflicting total.
  ExpectError([&] { reassembler.AddFragment(FromString(MakeFragment("message/partial; id=\"x@y\"; number=2; total=4"))); },
              ErrorKind::BadInput, "total=4");
  ExpectError([&] { reassembler.AddFragment(FromString(MakeFragment("message/partial; id=\"x@y\"; number=6"))); },
              ErrorKind::BadInput, "fragment 6 is beyond total=5");
  ExpectError([&] { reassembler.AddFragment(FromString(MakeFragment("message/partial; id=\"x@y\"; number=7; total=5"))); },
              ErrorKind::BadInput, "number=7 is greater than total=5");
  ExpectError([&] { reassembler.AddFragment(FromString(MakeFragment("message/partial; id=\"other@y\"; number=1; total=5"))); },
              ErrorKind::BadInput, "belongs to message/partial id=\"other@y\"");

  // Nothing of the refused fragments stuck.
  EXPECT_EQ(1u, reassembler.GetFragmentCount());
  EXPECT_EQ(5u, reassembler.GetTotal());

  // A total below a number already received.
  PartialReassembler other;
  other.AddFragment(FromString(MakeFragment("message/partial; id=\"x@y\"; number=4")));
  ExpectError([&] { other.AddFragment(FromString(MakeFragment("message/partial; id=\"x@y\"; number=2; total=3"))); },
              ErrorKind::BadInput, "fragment 4 was received");
}

TEST(TransferPartialReassembler, HostileHeaders)
{
  PartialReassembler reassembler(10000);
  auto add = [&](const std::string& contentType)
  {
    reassembler.AddFragment(FromString(MakeFragment(contentType)));
  };

  ExpectError([&] { add("message/partial; id=\"x@y\"; number=1; total=0"); }, ErrorKind::BadInput, "total=0");
  ExpectError([&] { add("message/partial; id=\"x@y\"; number=0; total=3"); }, ErrorKind::BadInput, "number=0");
  ExpectError([&] { add("message/partial; id=\"x@y\"; number=1; total=10001"); },
              ErrorKind::LimitExceeded, "total=10001 exceeds the limit of 10000");
  ExpectError([&] { add("message/partial; id=\"x@y\"; number=1; total=4294967297"); },
              ErrorKind::LimitExceeded, "exceeds the limit");
  ExpectError([&] { add("message/partial; id=\"x@y\"; number=1; total=99999999999999999999999999999"); },
              ErrorKind::LimitExceeded, "exceeds the limit");
  ExpectError([&] { add("message/partial; id=\"x@y\"; number=20000"); }, ErrorKind::LimitExceeded, "number=20000");
  ExpectError([&] { add("message/partial; id=\"x@y\"; number=-1; total=3"); }, ErrorKind::BadInput, "invalid \"number\"");
  ExpectError([&] { add("message/partial; id=\"x@y\"; number=1.5; total=3"); }, ErrorKind::BadInput, "invalid \"number\"");
  ExpectError([&] { add("message/partial; id=\"x@y\"; number=0x10; total=30"); }, ErrorKind::BadInput, "invalid \"number\"");
  ExpectError([&] { add("message/partial; number=1; total=3"); }, ErrorKind::BadInput, "without an \"id\"");
  ExpectError([&] { add("message/partial; id=\"x@y\"; total=3"); }, ErrorKind::BadInput, "without a \"number\"");
  ExpectError([&] { add("message/rfc822"); }, ErrorKind::BadInput, "not message/partial");
  ExpectError([&] { add("message/partial; id=\"" + std::string(2000, 'a') + "\"; number=1"); },
              ErrorKind::BadInput, "too long");
  ExpectError([&]
  {
    reassembler.AddFragment(FromString("Content-Type: message/partial; id=\"x@y\"; number=1\r\n"
                                       "Content-Transfer-Encoding: base64\r\n\r\nZGF0YQ==\r\n"));
  }, ErrorKind::BadInput, "Content-Transfer-Encoding base64");
  ExpectError([&] { reassembler.AddFragment(FromString("From: a@b\r\n\r\nbody\r\n")); },
              ErrorKind::BadInput, "no Content-Type");
  ExpectError([&]
  {
    reassembler.AddFragment(FromString("X-Filler: " + std::string(100000, 'a') + "\r\n"
                                       "Content-Type: message/partial; id=\"x@y\"; number=1\r\n\r\n"));
  }, ErrorKind::LimitExceeded, "header block is larger");
  EXPECT_EQ(0u, reassembler.GetFragmentCount());

  // Parameter names and the type are case-insensitive; 0-padded numbers are numbers.
  EXPECT_TRUE(reassembler.AddFragment(FromString(MakeFragment("Message/Partial; ID=\"x@y\"; Number=001; TOTAL=2"))));
  EXPECT_EQ(2u, reassembler.GetTotal());
}

TEST(TransferPartialReassembler, FloodOfFragmentsWithOneIdStaysBounded)
{
  const unsigned int maxTotal = 1000;
  PartialReassembler reassembler(maxTotal);
  std::mt19937 random(77);
  size_t accepted = 0;
  size_t limited = 0;
  for (int i = 0; i < 30000; i++)
  {
    const unsigned int number = 1 + random() % (3 * maxTotal);
    try
    {
      if (reassembler.AddFragment(FromString(MakeFragment("message/partial; id=\"flood@x\"; number=" +
                                                          std::to_string(number)))))
      {
        accepted++;
      }
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::LimitExceeded, e.GetKind());
      EXPECT_GT(number, maxTotal);
      limited++;
    }
  }
  EXPECT_GT(limited, 0u);
  EXPECT_LE(accepted, maxTotal);
  EXPECT_EQ(accepted, reassembler.GetFragmentCount());
  EXPECT_FALSE(reassembler.IsComplete());
}

TEST(TransferPartialReassembler, DuplicatesKeepTheFirst)
{
  const std::string mail = MakeMail(kHeadersOuterFirst, 300, 21);
  const std::vector<std::string> fragments = SplitToStrings(mail, 5000);
  ASSERT_GT(fragments.size(), 2u);

  PartialReassembler reassembler;
  for (const std::string& fragment : fragments)
  {
    EXPECT_TRUE(reassembler.AddFragment(FromString(fragment)));
  }
  // Same number, same id, other content: ignored, the first one counts.
  std::string forged = fragments[1];
  forged.replace(forged.size() - 10, 8, "XXXXXXXX");
  EXPECT_FALSE(reassembler.AddFragment(FromString(forged)));
  EXPECT_FALSE(reassembler.AddFragment(FromString(fragments[0])));

  StringSink output;
  reassembler.Reassemble(output);
  EXPECT_EQ(mail, output.GetContent());
}
