// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Mime/Base64Encoder.h"
#include "Core/Mime/Crc24.h"
#include "Core/Mime/MimeParser.h"
#include "Core/Mime/MimeWriter.h"
#include "Core/Mime/PgpArmorReader.h"
#include "Core/Mime/PgpArmorWriter.h"
#include "Core/Mime/QuotedPrintableDecoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>

using namespace DicomMail;

namespace
{
  std::string RandomBytes(std::mt19937& rng, size_t size)
  {
    std::string s(size, '\0');
    for (char& c : s)
    {
      c = static_cast<char>(rng() & 0xff);
    }
    return s;
  }

  // Hands out a string in chunks of random size, to hit every buffer edge.
  class ChunkedSource : public ByteSource
  {
  public:
    ChunkedSource(const std::string& content, size_t maxChunk, unsigned int seed = 1) :
      content_(content),
      maxChunk_(maxChunk),
      rng_(seed)
    {
    }

    size_t Read(void* buffer, size_t size) override
    {
      size_t n = std::min(content_.size() - position_, std::min(size, 1 + rng_() % maxChunk_));
      memcpy(buffer, content_.data() + position_, n);
      position_ += n;
      return n;
    }

    size_t GetPosition() const
    {
      return position_;
    }

  private:
    const std::string& content_;
    size_t maxChunk_;
    std::mt19937 rng_;
    size_t position_ = 0;
  };

  // Records the events and keeps every body and raw capture, by part path.
  class Recorder : public IMimeHandler
  {
  public:
    MimeParser* parser = nullptr;
    bool captureRawOfFirstParts = false;
    std::vector<std::string> events;
    std::map<std::string, std::string> bodies;
    std::map<std::string, std::string> raw;
    std::map<std::string, MimeHeaders> headers;

    void OnMultipartBegin(unsigned int depth, const MimeHeaders& h) override
    {
      events.push_back("begin " + std::to_string(depth) + " " + h.GetContentType().GetMimeType());
    }

    void OnMultipartEnd(unsigned int depth) override
    {
      events.push_back("end " + std::to_string(depth));
    }

    ByteSink* OnHeaders(unsigned int depth, const MimeHeaders& h) override
    {
      const std::string path = parser->GetCurrentPartPath();
      events.push_back("leaf " + std::to_string(depth) + " " + path + " " + h.GetContentType().GetMimeType());
      headers[path] = h;
      current_.reset(new StringSink);
      return current_.get();
    }

    void OnPartEnd(unsigned int depth, uint64_t size) override
    {
      const std::string path = parser->GetCurrentPartPath();
      EXPECT_EQ(size, current_->GetContent().size());
      bodies[path] = current_->GetContent();
      events.push_back("part-end " + std::to_string(depth));
    }

    ByteSink* OnRawPartBegin(unsigned int depth, size_t index, const MimeHeaders&) override
    {
      if (captureRawOfFirstParts && index == 0)
      {
        rawPath_ = parser->GetCurrentPartPath() + (parser->GetCurrentPartPath().empty() ? "" : ".") + "1";
        rawSink_.reset(new StringSink);
        (void) depth;
        return rawSink_.get();
      }
      return nullptr;
    }

    void OnRawPartEnd(unsigned int) override
    {
      raw[rawPath_] = rawSink_->GetContent();
    }

  private:
    std::unique_ptr<StringSink> current_;
    std::unique_ptr<StringSink> rawSink_;
    std::string rawPath_;
  };

  void Parse(const std::string& mail, Recorder& recorder, size_t maxChunk = 1 << 20,
             const MimeLimits& limits = MimeLimits())
  {
    ChunkedSource source(mail, maxChunk, static_cast<unsigned int>(maxChunk));
    MimeParser parser(source, recorder, limits);
    recorder.parser = &parser;
    parser.Parse();
    recorder.parser = nullptr;
  }

  void ExpectParseError(const std::string& mail, ErrorKind kind, const std::string& expectedPart,
                        const MimeLimits& limits = MimeLimits())
  {
    Recorder recorder;
    try
    {
      Parse(mail, recorder, 1 << 20, limits);
      ADD_FAILURE() << "no error, expected: " << expectedPart;
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ToString(kind), std::string(ToString(e.GetKind()))) << e.what();
      EXPECT_NE(std::string::npos, std::string(e.what()).find(expectedPart)) << "message: " << e.what();
    }
  }

  MimeHeaders Headers(const std::vector<std::pair<std::string, std::string> >& fields)
  {
    MimeHeaders h;
    for (const auto& f : fields)
    {
      h.Add(f.first, f.second);
    }
    return h;
  }

  long ReadStatusKb(const char* field)
  {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
    {
      if (line.compare(0, strlen(field), field) == 0)
      {
        return std::stol(line.substr(strlen(field) + 1));
      }
    }
    return -1;
  }
}

TEST(MimeParser, WriterParserRoundTripOfNestedBinaryParts)
{
  std::mt19937 rng(77);
  const std::string dicom1 = RandomBytes(rng, 100000);
  const std::string dicom2 = RandomBytes(rng, 1);
  // Binary content that looks almost like delimiters.
  const std::string tricky = "start\r\n--B0\r\n--B0X\r\n--B0 x\r\n--B1-\r\n\r\n--\r\n" + RandomBytes(rng, 5000) + "\r\n";
  const std::string manifest = "{\"SetId\": \"20261128.031502.9f3c1a7e\", \"Part\": 1}";

  StringSink mail;
  MimeWriter writer(mail);
  ContentType mixed("multipart", "mixed");
  mixed.SetParameter("boundary", "B0");
  writer.BeginMultipart(Headers({ { "X-TELEMEDICINE-SETID", "20261128.031502.9f3c1a7e" },
                                  { "X-TELEMEDICINE-SETPART", "1" }, { "MIME-Version", "1.0" } }), mixed);
  {
    ByteSink& body = writer.BeginLeaf(Headers({ { "Content-Type", "application/dicom; name=\"IM000001.dcm\"" },
                                                { "Content-Disposition", "attachment; filename=\"IM000001.dcm\"" } }),
                                      TransferEncoding::Base64);
    body.Write(dicom1.data(), 777);
    body.Write(dicom1.data() + 777, dicom1.size() - 777);
    writer.EndLeaf();
  }
  {
    ContentType related("multipart", "related");
    related.SetParameter("boundary", "B1");
    writer.BeginMultipart(MimeHeaders(), related);
    writer.BeginLeaf(Headers({ { "Content-Type", "application/octet-stream" } }), TransferEncoding::Binary)
      .Write(tricky);
    writer.EndLeaf();
    writer.BeginLeaf(Headers({ { "Content-Type", "application/dicom" } }), TransferEncoding::Base64).Write(dicom2);
    writer.EndLeaf();
    writer.BeginLeaf(Headers({ { "Content-Type", "text/plain" } }), TransferEncoding::SevenBit);
    writer.EndLeaf();    // empty body
    writer.EndMultipart();
  }
  writer.BeginLeaf(Headers({ { "Content-Type", "application/json; name=\"manifest.json\"" },
                             { "X-DICOMMAIL-MANIFEST", "1" } }), TransferEncoding::SevenBit).Write(manifest);
  writer.EndLeaf();
  writer.EndMultipart();
  writer.Finish();
  EXPECT_EQ(mail.GetContent().size(), writer.GetBytesWritten());
  EXPECT_THROW(writer.BeginLeaf(MimeHeaders(), TransferEncoding::Binary), Error);

  // Lines are CRLF everywhere outside the binary part, base64 lines 76 characters.
  const std::string& text = mail.GetContent();
  EXPECT_NE(std::string::npos, text.find("Content-Type: multipart/mixed; boundary=B0\r\n\r\n--B0\r\n"));
  EXPECT_NE(std::string::npos, text.find("\r\n--B0--\r\n"));
  EXPECT_NE(std::string::npos, text.find("Content-Transfer-Encoding: base64\r\n\r\n"));

  for (size_t maxChunk : { 1u, 3u, 77u, 4096u, 1u << 20 })
  {
    Recorder recorder;
    Parse(text, recorder, maxChunk);
    const std::vector<std::string> expected = {
      "begin 0 multipart/mixed",
      "leaf 1 1 application/dicom", "part-end 1",
      "begin 1 multipart/related",
      "leaf 2 2.1 application/octet-stream", "part-end 2",
      "leaf 2 2.2 application/dicom", "part-end 2",
      "leaf 2 2.3 text/plain", "part-end 2",
      "end 1",
      "leaf 1 3 application/json", "part-end 1",
      "end 0"
    };
    ASSERT_EQ(expected, recorder.events) << "chunk " << maxChunk;
    EXPECT_EQ(dicom1, recorder.bodies["1"]);
    EXPECT_EQ(tricky, recorder.bodies["2.1"]);
    EXPECT_EQ(dicom2, recorder.bodies["2.2"]);
    EXPECT_EQ("", recorder.bodies["2.3"]);
    EXPECT_EQ(manifest, recorder.bodies["3"]);
    EXPECT_EQ("1", recorder.headers["3"].Get("x-dicommail-manifest"));
  }
}

TEST(MimeParser, Rfc3156EncryptedMailWithArmor)
{
  std::mt19937 rng(3156);
  const std::string cipher = RandomBytes(rng, 70000);    // stands for GPGME's binary output

  StringSink mail;
  MimeWriter writer(mail);
  ContentType encrypted("multipart", "encrypted");
  encrypted.SetParameter("protocol", "application/pgp-encrypted");
  writer.BeginMultipart(Headers({ { "From", "a@example.org" }, { "Subject", "DICOM-eMail" } }), encrypted);
  writer.BeginLeaf(Headers({ { "Content-Type", "application/pgp-encrypted" } }), TransferEncoding::SevenBit)
    .Write(std::string("Version: 1\r\n"));
  writer.EndLeaf();
  {
    ByteSink& body = writer.BeginLeaf(Headers({ { "Content-Type", "application/octet-stream; name=\"encrypted.asc\"" } }),
                                      TransferEncoding::SevenBit);
    PgpArmorWriter armor(body);
    armor.Write(cipher);
    armor.Finish();
    writer.EndLeaf();
  }
  writer.EndMultipart();
  writer.Finish();

  const std::string& text = mail.GetContent();
  EXPECT_EQ(0u, text.find("From: a@example.org\r\nSubject: DICOM-eMail\r\nContent-Type: multipart/encrypted;"
                          " protocol=\"application/pgp-encrypted\";\r\n boundary=\"=_DM_"));   // folded before 78
  EXPECT_EQ(std::string::npos, text.find("Content-Transfer-Encoding"));

  Recorder recorder;
  Parse(text, recorder, 1000);
  EXPECT_EQ("Version: 1\r\n", recorder.bodies["1"]);
  StringSink binary;
  PgpArmorReader reader(binary);
  reader.Write(recorder.bodies["2"]);
  reader.Finish();
  EXPECT_EQ(cipher, binary.GetContent());
}

TEST(MimeParser, PreambleEpiloguePaddingLfAndQuotedPrintable)
{
  const std::string mail =
    "From nobody Sat Nov 28 03:15:02 2026\n"            // mbox separator
    "Content-Type: multipart/mixed;\n"
    "\tboundary=\"xyz\"\n"
    "\n"
    "This is the preamble.\n"
    "--xyz   \t\n"                                       // transport padding
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "Gr=C3=BC=C3=9Fe,  \n"                                // trailing spaces dropped
    "soft =\n"
    "break =3D done=\n"
    "\n"
    "--xyz\n"
    "\n"                                                  // no headers at all
    "default text\n"
    "--xyz--  trailing junk\n"
    "This is the epilogue.\n"
    "--xyz\n";                                            // epilogue, ignored
  Recorder recorder;
  Parse(mail, recorder, 5);
  EXPECT_EQ(std::vector<std::string>({ "begin 0 multipart/mixed", "leaf 1 1 text/plain", "part-end 1",
                                       "leaf 1 2 text/plain", "part-end 1", "end 0" }), recorder.events);
  EXPECT_EQ("Gr\xC3\xBC\xC3\x9F" "e,\nsoft break = done", recorder.bodies["1"]);
  EXPECT_EQ("default text", recorder.bodies["2"]);
  EXPECT_EQ("us-ascii", recorder.headers["2"].GetContentType().GetParameter("charset"));
}

TEST(MimeParser, TopLevelLeafAndHeadersOnly)
{
  Recorder recorder;
  Parse("Subject: x\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVs\r\nbG8=\r\n", recorder, 3);
  EXPECT_EQ("Hello", recorder.bodies[""]);

  Recorder headersOnly;
  Parse("Subject: only headers", headersOnly);
  EXPECT_EQ("", headersOnly.bodies[""]);
  EXPECT_EQ("only headers", headersOnly.headers[""].Get("Subject"));

  // A leaf body keeps its final line break at the top level.
  Recorder binary;
  Parse("Content-Type: application/octet-stream\r\n\r\nabc\r\n", binary);
  EXPECT_EQ("abc\r\n", binary.bodies[""]);
}

TEST(MimeParser, RawCaptureForMultipartSigned)
{
  const std::string signedPart =
    "Content-Type: multipart/mixed; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "hello\r\n"
    "--inner--\r\n";     // its final CRLF belongs to the outer delimiter
  const std::string mail =
    "Content-Type: multipart/signed; micalg=pgp-sha256;\r\n"
    " protocol=\"application/pgp-signature\"; boundary=\"outer\"\r\n"
    "\r\n"
    "--outer\r\n" + signedPart +
    "--outer\r\n"
    "Content-Type: application/pgp-signature\r\n"
    "\r\n"
    "-----BEGIN PGP SIGNATURE-----\r\n"
    "-----END PGP SIGNATURE-----\r\n"
    "\r\n"
    "--outer--\r\n";

  for (size_t chunk : { 1u, 2u, 7u, 100000u })
  {
    Recorder recorder;
    recorder.captureRawOfFirstParts = true;
    Parse(mail, recorder, chunk);
    EXPECT_EQ(signedPart.substr(0, signedPart.size() - 2), recorder.raw["1"]) << chunk;
    EXPECT_EQ("hello", recorder.bodies["1.1"]);
    EXPECT_EQ("-----BEGIN PGP SIGNATURE-----\r\n-----END PGP SIGNATURE-----\r\n", recorder.bodies["2"]);
  }

  // The writer embeds a signed entity verbatim.
  StringSink out;
  MimeWriter writer(out);
  ContentType signedType("multipart", "signed");
  signedType.SetParameter("boundary", "outer");
  writer.BeginMultipart(MimeHeaders(), signedType);
  writer.BeginRawPart().Write(signedPart.substr(0, signedPart.size() - 2));
  writer.EndLeaf();
  writer.BeginLeaf(Headers({ { "Content-Type", "application/pgp-signature" } }), TransferEncoding::SevenBit)
    .Write(std::string("sig"));
  writer.EndLeaf();
  writer.EndMultipart();
  writer.Finish();
  Recorder again;
  again.captureRawOfFirstParts = true;
  Parse(out.GetContent(), again);
  EXPECT_EQ(signedPart.substr(0, signedPart.size() - 2), again.raw["1"]);
}

TEST(MimeParser, ParseHeaderBlockReadsOnlyTheHeaders)
{
  std::string mail = "X-TELEMEDICINE-SETID: abc\r\nX-TELEMEDICINE-SETPART: 2\r\n"
    "Content-Type: multipart/encrypted; boundary=b\r\n\r\n";
  const size_t headerSize = mail.size();
  mail += std::string(10 << 20, 'x');
  ChunkedSource source(mail, 4096);
  uint64_t bodyOffset = 0;
  const MimeHeaders headers = ParseHeaderBlock(source, MimeLimits(), &bodyOffset);
  EXPECT_EQ("abc", headers.Get("X-TELEMEDICINE-SETID"));
  EXPECT_EQ("2", headers.Get("x-telemedicine-setpart"));
  EXPECT_TRUE(headers.GetContentType().Is("multipart/encrypted"));
  EXPECT_EQ(headerSize, bodyOffset);
  EXPECT_LT(source.GetPosition(), 100000u);

  StringSource empty("");
  EXPECT_THROW(ParseHeaderBlock(empty), Error);
  StringSource huge("X: " + std::string(1 << 20, 'a') + "\r\n\r\n");
  try
  {
    ParseHeaderBlock(huge);
    FAIL();
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::LimitExceeded, e.GetKind());
  }
}

TEST(MimeParser, HostileInput)
{
  ExpectParseError("", ErrorKind::BadInput, "empty input");

  // 1000 nested multiparts.
  std::string nested;
  for (int i = 0; i < 1000; i++)
  {
    nested += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\r\n\r\n--b" +
      std::to_string(i) + "\r\n";
  }
  ExpectParseError(nested, ErrorKind::LimitExceeded, "MIME nesting deeper than 20 levels");
  MimeLimits deep;
  deep.maxDepth = 5000;     // even when allowed, 1000 levels only end in a clean error
  ExpectParseError(nested, ErrorKind::BadInput, "boundary \"b999\" never closed", deep);

  // A 10 MB header line.
  ExpectParseError("Subject: " + std::string(10 << 20, 'a') + "\r\n\r\nbody", ErrorKind::LimitExceeded,
                   "header line longer than 16384 bytes");
  // A 10 MB folded header.
  std::string folded = "Subject: x\r\n";
  for (int i = 0; i < 200000; i++)
  {
    folded += " yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n";
  }
  ExpectParseError(folded + "\r\n", ErrorKind::LimitExceeded, "header block of the top-level entity exceeds");

  const std::string multipartHead = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  ExpectParseError(multipartHead + "--b\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVs*G8=\r\n--b--\r\n",
                   ErrorKind::BadInput, "invalid base64 character '*'");
  ExpectParseError(multipartHead + "--b\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVs*G8=\r\n--b--\r\n",
                   ErrorKind::BadInput, "part 1");
  ExpectParseError(multipartHead + "--b\r\n\r\nbody\r\n", ErrorKind::BadInput,
                   "multipart/mixed (top-level entity): boundary \"b\" never closed");
  ExpectParseError(multipartHead + "preamble only\r\n", ErrorKind::BadInput, "never closed");
  ExpectParseError(multipartHead + "--b\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--b--\r\n",
                   ErrorKind::BadInput, "multipart/alternative (part 1): boundary \"c\" never closed");
  ExpectParseError("Content-Type: multipart/mixed\r\n\r\nbody", ErrorKind::BadInput, "no boundary parameter");
  ExpectParseError(std::string("Subject: a\0b\r\n\r\n", 16), ErrorKind::BadInput, "NUL byte");
  ExpectParseError("Subject: a\r\nnot a header\r\n\r\n", ErrorKind::BadInput, "no colon");
  ExpectParseError("Content-Transfer-Encoding: x-uuencode\r\n\r\nbegin", ErrorKind::BadInput,
                   "unsupported Content-Transfer-Encoding \"x-uuencode\"");

  // Truncated in the middle of a base64 part.
  std::string cut = multipartHead + "--b\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29y";
  ExpectParseError(cut, ErrorKind::BadInput, "never closed");

  // Limits.
  MimeLimits few;
  few.maxParts = 10;
  std::string many = multipartHead;
  for (int i = 0; i < 11; i++)
  {
    many += "--b\r\n\r\npart\r\n";
  }
  ExpectParseError(many + "--b--\r\n", ErrorKind::LimitExceeded, "more than 10 MIME parts", few);

  MimeLimits small;
  small.maxDecodedBytes = 1000;
  ExpectParseError("Subject: x\r\n\r\n" + std::string(1001, 'z'), ErrorKind::LimitExceeded,
                   "decoded MIME content exceeds the limit of 1000 bytes", small);

  MimeLimits fields;
  fields.maxHeaderFields = 5;
  ExpectParseError("A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nF: 6\r\n\r\n", ErrorKind::LimitExceeded,
                   "more than 5 header fields", fields);
}

TEST(MimeParser, LiberalButSafeInput)
{
  // NUL bytes in a body and non-UTF-8 headers are accepted.
  Recorder recorder;
  Parse("Subject: caf\xe9 =?UTF-8?B?/w==?=\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + std::string("a\0b", 3), recorder);
  EXPECT_EQ(std::string("a\0b", 3), recorder.bodies[""]);
  EXPECT_EQ("caf\xEF\xBF\xBD \xEF\xBF\xBD", recorder.headers[""].GetDecoded("Subject"));

  // A multipart with a close delimiter right away (no parts) and one whose
  // part header block is cut by the delimiter.
  Recorder empty;
  Parse("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\n", empty);
  EXPECT_EQ(std::vector<std::string>({ "begin 0 multipart/mixed", "end 0" }), empty.events);

  Recorder cutHeaders;
  Parse("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX-A: 1\r\n--b--\r\n", cutHeaders);
  EXPECT_EQ("1", cutHeaders.headers["1"].Get("X-A"));
  EXPECT_EQ("", cutHeaders.bodies["1"]);

  // An invalid Content-Type falls back to text/plain (RFC 2045 5.2).
  Recorder invalidType;
  Parse("Content-Type: nonsense\r\n\r\nbody", invalidType);
  EXPECT_EQ("body", invalidType.bodies[""]);
}

TEST(MimeParser, RandomlyDamagedMailsNeverCrash)
{
  std::mt19937 rng(2046);
  StringSink mail;
  {
    MimeWriter writer(mail);
    writer.BeginMultipart(MimeHeaders(), ContentType("multipart", "mixed"));
    writer.BeginLeaf(Headers({ { "Content-Type", "application/dicom" } }), TransferEncoding::Base64)
      .Write(RandomBytes(rng, 3000));
    writer.EndLeaf();
    writer.BeginMultipart(MimeHeaders(), ContentType("multipart", "alternative"));
    writer.BeginLeaf(Headers({ { "Content-Type", "text/plain" }, { "Content-Transfer-Encoding-X", "1" } }),
                     TransferEncoding::SevenBit).Write(std::string("text\r\n--\r\n"));
    writer.EndLeaf();
    writer.EndMultipart();
    writer.EndMultipart();
    writer.Finish();
  }
  const std::string original = mail.GetContent();

  size_t failures = 0;
  for (int round = 0; round < 3000; round++)
  {
    std::string damaged = original;
    switch (round % 3)
    {
      case 0:
        damaged.resize(rng() % damaged.size());
        break;
      case 1:
        for (int k = 0; k < 5; k++)
        {
          damaged[rng() % damaged.size()] = static_cast<char>(rng() & 0xff);
        }
        break;
      default:
      {
        const size_t at = rng() % damaged.size();
        damaged.insert(at, damaged.substr(rng() % damaged.size(), rng() % 200));
        break;
      }
    }

    Recorder recorder;
    try
    {
      Parse(damaged, recorder, 1 + rng() % 500);
    }
    catch (const Error& e)
    {
      failures++;
      EXPECT_TRUE(e.GetKind() == ErrorKind::BadInput || e.GetKind() == ErrorKind::LimitExceeded) << e.what();
    }
  }
  EXPECT_GT(failures, 100u);    // the damage was real
}

namespace
{
  // Generates a mail of one base64 part on the fly: nothing of it exists
  // as a whole anywhere.
  class GeneratedMailSource : public ByteSource
  {
  public:
    explicit GeneratedMailSource(uint64_t binarySize) :
      remaining_(binarySize),
      encoder_(pending_, 76),
      rng_(42)
    {
      pending_.GetContent() =
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"=_DM_big\"\r\n\r\n"
        "--=_DM_big\r\n"
        "Content-Type: application/dicom\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n";
    }

    size_t Read(void* buffer, size_t size) override
    {
      while (pending_.GetContent().size() - offset_ == 0)
      {
        pending_.GetContent().clear();
        offset_ = 0;
        if (remaining_ > 0)
        {
          const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, block_.size()));
          for (size_t i = 0; i < n; i += 4)
          {
            const uint32_t r = rng_();
            memcpy(&block_[i], &r, std::min<size_t>(4, n - i));
          }
          crc_.Update(block_.data(), n);
          encoder_.Write(block_.data(), n);
          remaining_ -= n;
        }
        else if (!done_)
        {
          encoder_.Finish();
          pending_.GetContent() += "\r\n--=_DM_big--\r\n";
          done_ = true;
        }
        else
        {
          return 0;
        }
      }
      const size_t n = std::min(size, pending_.GetContent().size() - offset_);
      memcpy(buffer, pending_.GetContent().data() + offset_, n);
      offset_ += n;
      total_ += n;
      return n;
    }

    uint32_t GetCrc() const
    {
      return crc_.GetValue();
    }

    uint64_t GetTotal() const
    {
      return total_;
    }

  private:
    uint64_t remaining_;
    StringSink pending_;
    size_t offset_ = 0;
    Base64Encoder encoder_;
    std::mt19937 rng_;
    std::vector<char> block_ = std::vector<char>(1 << 20);
    Crc24 crc_;
    bool done_ = false;
    uint64_t total_ = 0;
  };

  class ChecksumSink : public ByteSink
  {
  public:
    using ByteSink::Write;
    void Write(const void* data, size_t size) override
    {
      crc_.Update(data, size);
      count_ += size;
    }

    Crc24 crc_;
    uint64_t count_ = 0;
  };

  class ChecksumHandler : public IMimeHandler
  {
  public:
    ChecksumSink sink;
    ByteSink* OnHeaders(unsigned int, const MimeHeaders& headers) override
    {
      return headers.GetContentType().Is("application/dicom") ? &sink : nullptr;
    }
  };
}

TEST(MimeParser, TwoHundredMegabyteMailInBoundedMemory)
{
  // Reset the peak so that earlier tests do not hide growth.
  {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
  }
  const long before = ReadStatusKb("VmHWM:");
  ASSERT_GT(before, 0);

  const uint64_t binarySize = 150ull << 20;    // about 203 MB once encoded
  GeneratedMailSource source(binarySize);
  ChecksumHandler handler;
  MimeParser parser(source, handler);
  parser.Parse();

  const long after = ReadStatusKb("VmHWM:");
  std::cout << "mail " << source.GetTotal() / 1000000 << " MB, peak RSS " << before / 1024 << " -> "
            << after / 1024 << " MiB" << std::endl;
  EXPECT_GT(source.GetTotal(), 200000000u);
  EXPECT_EQ(source.GetTotal(), parser.GetBytesRead());
  EXPECT_EQ(binarySize, handler.sink.count_);
  EXPECT_EQ(source.GetCrc(), handler.sink.crc_.GetValue());
  EXPECT_LT(after - before, 50 * 1024);
}

TEST(MimeQuotedPrintable, Decoding)
{
  const char* vectors[][2] = {
    { "=41=4a=4A", "AJJ" },
    { "a=\r\nb", "ab" },
    { "a=  \t\r\nb", "ab" },                 // white space after a soft break
    { "a=\nb", "ab" },
    { "line  \t\r\nnext \n", "line\r\nnext\n" },
    { "keep  inner", "keep  inner" },
    { "=ZZ=4", "=ZZ=4" },                      // malformed: passed through
    { "end=", "end=" },
    { "x\ry", "x\ry" },
    { "trailing   ", "trailing" }
  };
  for (const auto& v : vectors)
  {
    for (size_t chunk : { 1u, 2u, 100u })
    {
      StringSink sink;
      QuotedPrintableDecoder decoder(sink);
      const std::string input = v[0];
      for (size_t i = 0; i < input.size(); i += chunk)
      {
        decoder.Write(input.substr(i, chunk));
      }
      decoder.Finish();
      EXPECT_EQ(v[1], sink.GetContent()) << "input " << v[0] << " chunk " << chunk;
    }
  }
}
