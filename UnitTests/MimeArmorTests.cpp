// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Mime/Crc24.h"
#include "Core/Mime/PgpArmorReader.h"
#include "Core/Mime/PgpArmorWriter.h"
#include "UnitTests/TestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <unistd.h>

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

  void WriteChunked(ByteSink& sink, const std::string& data, std::mt19937& rng, size_t maxChunk)
  {
    size_t i = 0;
    while (i < data.size())
    {
      const size_t n = std::min<size_t>(data.size() - i, 1 + rng() % maxChunk);
      sink.Write(data.data() + i, n);
      i += n;
    }
  }

  std::string Armor(const std::string& data, std::mt19937& rng, size_t maxChunk,
                    const PgpArmorWriter::Headers& headers = PgpArmorWriter::Headers())
  {
    StringSink sink;
    PgpArmorWriter writer(sink, "MESSAGE", headers);
    WriteChunked(writer, data, rng, maxChunk);
    writer.Finish();
    return sink.GetContent();
  }

  std::string Dearmor(const std::string& text, std::mt19937& rng, size_t maxChunk)
  {
    StringSink sink;
    PgpArmorReader reader(sink);
    WriteChunked(reader, text, rng, maxChunk);
    reader.Finish();
    return sink.GetContent();
  }

  std::string Dearmor(const std::string& text)
  {
    std::mt19937 rng(1);
    return Dearmor(text, rng, 1 << 20);
  }

  void ExpectArmorError(const std::string& text, const std::string& expectedPart)
  {
    try
    {
      Dearmor(text);
      ADD_FAILURE() << "no error, expected: " << expectedPart;
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
      EXPECT_NE(std::string::npos, std::string(e.what()).find(expectedPart)) << "message: " << e.what();
    }
  }

  std::string ToLf(const std::string& s)
  {
    std::string out;
    for (char c : s)
    {
      if (c != '\r')
      {
        out += c;
      }
    }
    return out;
  }

  // Lines of "text" (LF or CRLF) without their breaks.
  std::vector<std::string> Lines(const std::string& text)
  {
    std::vector<std::string> lines;
    std::string lf = ToLf(text);
    size_t start = 0;
    while (start < lf.size())
    {
      size_t end = lf.find('\n', start);
      if (end == std::string::npos)
      {
        end = lf.size();
      }
      lines.push_back(lf.substr(start, end - start));
      start = end + 1;
    }
    return lines;
  }

  using TempDirectory = TestSupport::ScratchDirectory;
}

TEST(MimeArmor, Crc24KnownValues)
{
  Crc24 empty;
  EXPECT_EQ(0xB704CEu, empty.GetValue());

  Crc24 check;      // the catalogued check value of CRC-24/OPENPGP
  check.Update("123456789", 9);
  EXPECT_EQ(0x21CF02u, check.GetValue());

  Crc24 split;
  split.Update("1234", 4);
  split.Update("56789", 5);
  EXPECT_EQ(0x21CF02u, split.GetValue());
}

// The eight-bytes-at-a-time CRC against the bit-by-bit definition of
// RFC 4880 section 6.1, for every length up to 40 and every split point.
TEST(MimeArmor, Crc24MatchesTheBitwiseDefinition)
{
  auto bitwise = [](const std::string& data) {
    uint32_t crc = 0xB704CEu;
    for (unsigned char byte : data)
    {
      crc ^= uint32_t(byte) << 16;
      for (int i = 0; i < 8; i++)
      {
        crc <<= 1;
        if (crc & 0x1000000u)
        {
          crc ^= 0x1864CFBu;
        }
      }
    }
    return crc & 0xFFFFFFu;
  };

  std::string data;
  uint32_t state = 7;
  for (int i = 0; i < 40; i++)
  {
    state = state * 1103515245u + 12345u;
    data.push_back(static_cast<char>(state >> 23));
  }
  for (size_t length = 0; length <= data.size(); length++)
  {
    const std::string piece = data.substr(0, length);
    for (size_t split = 0; split <= length; split++)
    {
      Crc24 crc;
      crc.Update(piece.data(), split);
      crc.Update(piece.data() + split, length - split);
      ASSERT_EQ(bitwise(piece), crc.GetValue()) << "length " << length << ", split at " << split;
    }
  }
}

TEST(MimeArmor, WriterLayout)
{
  StringSink sink;
  PgpArmorWriter writer(sink, "MESSAGE", { { "Comment", "DICOM-Mail" } });
  const std::string data(100, '\x42');
  writer.Write(data);
  writer.Finish();

  const std::string& text = sink.GetContent();
  const std::vector<std::string> lines = Lines(text);
  ASSERT_EQ(8u, lines.size());
  EXPECT_EQ("-----\r\n", text.substr(text.size() - 7));
  EXPECT_EQ("-----BEGIN PGP MESSAGE-----", lines[0]);
  EXPECT_EQ("Comment: DICOM-Mail", lines[1]);
  EXPECT_EQ("", lines[2]);
  EXPECT_EQ(64u, lines[3].size());
  EXPECT_EQ(64u, lines[4].size());
  EXPECT_EQ(8u, lines[5].size());    // 136 characters in all
  EXPECT_EQ('=', lines[6][0]);
  EXPECT_EQ(5u, lines[6].size());
  EXPECT_EQ("-----END PGP MESSAGE-----", lines[7]);

  StringSink longLines;
  PgpArmorWriter wide(longLines, "MESSAGE", PgpArmorWriter::Headers(), PgpArmorWriter::kMaxLineLength);
  wide.Write(data);
  wide.Finish();
  const std::vector<std::string> wideLines = Lines(longLines.GetContent());
  ASSERT_EQ(6u, wideLines.size());
  EXPECT_EQ(76u, wideLines[2].size());
  EXPECT_EQ(136u - 76u, wideLines[3].size());
  StringSink decoded;
  PgpArmorReader reader(decoded);
  reader.Write(longLines.GetContent());
  reader.Finish();
  EXPECT_EQ(data, decoded.GetContent());
  EXPECT_THROW(PgpArmorWriter(longLines, "MESSAGE", PgpArmorWriter::Headers(), 80), Error);

  // Every line break is CRLF.
  size_t crlf = 0;
  for (size_t i = 0; i < text.size(); i++)
  {
    if (text[i] == '\n')
    {
      ASSERT_GT(i, 0u);
      EXPECT_EQ('\r', text[i - 1]);
      crlf++;
    }
  }
  EXPECT_EQ(8u, crlf);
}

TEST(MimeArmor, EmptyInput)
{
  std::mt19937 rng(5);
  const std::string text = Armor("", rng, 10);
  EXPECT_EQ("-----BEGIN PGP MESSAGE-----\r\n\r\n=twTO\r\n-----END PGP MESSAGE-----\r\n", text);
  EXPECT_EQ("", Dearmor(text));
}

TEST(MimeArmor, RandomRoundTrips)
{
  std::mt19937 rng(4321);
  for (size_t size : { 1u, 2u, 3u, 47u, 48u, 49u, 95u, 96u, 97u, 1000u, 65536u, 300001u })
  {
    const std::string data = RandomBytes(rng, size);
    const std::string reference = Armor(data, rng, 1 << 20);
    for (size_t chunk : { 1u, 2u, 5u, 63u, 64u, 65u, 4096u })
    {
      if (size > 100000 && chunk < 5)
      {
        continue;
      }
      ASSERT_EQ(reference, Armor(data, rng, chunk)) << size << "/" << chunk;
      ASSERT_EQ(data, Dearmor(reference, rng, chunk)) << size << "/" << chunk;
      ASSERT_EQ(data, Dearmor(ToLf(reference), rng, chunk)) << size << "/" << chunk;
    }
  }
}

TEST(MimeArmor, MatchesGpgEnarmor)
{
  TempDirectory dir;
  std::mt19937 rng(2026);
  for (size_t size : { 1u, 100u, 4095u, 100000u })
  {
    const std::string data = RandomBytes(rng, size);
    const std::string input = dir.GetPath() + "/data.bin";
    const std::string output = dir.GetPath() + "/data.asc";
    Files::WriteAll(input, data);
    const std::string command = "gpg --homedir '" + dir.GetPath() + "' --batch --quiet --no-tty --enarmor < '" +
      input + "' > '" + output + "' 2>/dev/null";
    ASSERT_EQ(0, system(command.c_str())) << command;
    const std::string gpgText = Files::ReadAll(output, 1 << 30);
    ASSERT_NE(std::string::npos, gpgText.find("-----BEGIN PGP ARMORED FILE-----"));

    // Our reader takes gpg's armor (LF line ends, a Comment header).
    std::mt19937 chunks(size);
    StringSink decoded;
    PgpArmorReader reader(decoded);
    WriteChunked(reader, gpgText, chunks, 37);
    reader.Finish();
    EXPECT_EQ(data, decoded.GetContent());
    EXPECT_EQ("ARMORED FILE", reader.GetType());
    EXPECT_TRUE(reader.HasChecksum());
    ASSERT_EQ(1u, reader.GetHeaders().size());
    EXPECT_EQ("Comment", reader.GetHeaders()[0].first);

    // Our writer produces the same base64 lines and the same checksum.
    StringSink ours;
    PgpArmorWriter writer(ours, "ARMORED FILE");
    writer.Write(data);
    writer.Finish();
    std::vector<std::string> gpgLines = Lines(gpgText);
    std::vector<std::string> ourLines = Lines(ours.GetContent());
    gpgLines.erase(gpgLines.begin() + 1);    // gpg's Comment header
    EXPECT_EQ(gpgLines, ourLines);
  }
}

TEST(MimeArmor, ReaderSkipsLeadingJunkAndTrailingText)
{
  std::mt19937 rng(3);
  const std::string data = RandomBytes(rng, 500);
  const std::string armored = Armor(data, rng, 1000, { { "Version", "X" } });
  const std::string junk = "Some text before\nmore: text\n" + std::string(5000, 'j') +
    "\n-----BEGIN PGP SOMETHING ELSE\n\n";
  EXPECT_EQ(data, Dearmor(junk + armored + "trailing text\n-----END PGP MESSAGE-----\n"));

  // No empty line after BEGIN and no checksum: still read.
  std::vector<std::string> lines = Lines(armored);
  std::string minimal = lines[0] + "\n";
  for (size_t i = 3; i < lines.size(); i++)
  {
    if (lines[i][0] != '=' && !lines[i].empty())
    {
      minimal += lines[i] + "\n";
    }
  }
  StringSink sink;
  PgpArmorReader reader(sink);
  reader.Write(minimal.substr(0, minimal.size() - 1));    // and no final line break
  reader.Finish();
  EXPECT_EQ(data, sink.GetContent());
  EXPECT_FALSE(reader.HasChecksum());
}

TEST(MimeArmor, ReaderErrors)
{
  std::mt19937 rng(11);
  const std::string data = RandomBytes(rng, 300);
  const std::string armored = ToLf(Armor(data, rng, 1000));

  ExpectArmorError("", "no BEGIN line");
  ExpectArmorError("hello\nworld\n", "no BEGIN line");
  ExpectArmorError(armored.substr(0, armored.size() / 2), "no END line");
  ExpectArmorError(armored.substr(0, armored.find("-----END")), "no END line");

  // A changed data character: CRC mismatch.
  std::string damaged = armored;
  const size_t pos = damaged.find('\n', damaged.find('\n') + 1) + 1 + 10;
  damaged[pos] = (damaged[pos] == 'A' ? 'B' : 'A');
  ExpectArmorError(damaged, "CRC-24 mismatch");

  // A changed checksum.
  std::string badCrc = armored;
  const size_t eq = badCrc.find("\n=") + 2;
  badCrc[eq] = (badCrc[eq] == 'A' ? 'B' : 'A');
  ExpectArmorError(badCrc, "CRC-24 mismatch");

  std::string badChar = armored;
  badChar[pos] = '*';
  ExpectArmorError(badChar, "invalid base64 character '*'");
  ExpectArmorError(badChar, "line 3");

  std::string wrongEnd = armored;
  wrongEnd.replace(wrongEnd.find("END PGP MESSAGE"), 15, "END PGP SIGNATURE");
  ExpectArmorError(wrongEnd, "does not match");

  std::string afterChecksum = armored;
  afterChecksum.insert(afterChecksum.find("-----END"), "QUJD\n");
  ExpectArmorError(afterChecksum, "data after the checksum line");

  ExpectArmorError("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhello\n", "cleartext-signed");
  ExpectArmorError("-----BEGIN PGP MESSAGE-----\n\n" + std::string(4999, 'A') + "=\n", "no END line");
}
