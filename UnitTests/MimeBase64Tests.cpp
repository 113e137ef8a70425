// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Mime/Base64.h"
#include "Core/Mime/Base64Decoder.h"
#include "Core/Mime/Base64Encoder.h"

#include <gtest/gtest.h>

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

  // Bit-by-bit reference, independent of the table-driven encoder.
  std::string NaiveEncode(const std::string& data)
  {
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t bits = 0;
    int count = 0;
    for (unsigned char c : data)
    {
      bits = (bits << 8) | c;
      count += 8;
      while (count >= 6)
      {
        out += alphabet[(bits >> (count - 6)) & 63];
        count -= 6;
      }
    }
    if (count > 0)
    {
      out += alphabet[(bits << (6 - count)) & 63];
    }
    while (out.size() % 4 != 0)
    {
      out += '=';
    }
    return out;
  }

  std::string WrapLines(const std::string& s, size_t length)
  {
    std::string out;
    for (size_t i = 0; i < s.size(); i += length)
    {
      if (i > 0)
      {
        out += "\r\n";
      }
      out += s.substr(i, length);
    }
    return out;
  }

  // Writes "data" into "sink" in chunks whose sizes come from "rng".
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

  std::string EncodeChunked(const std::string& data, size_t lineLength, std::mt19937& rng, size_t maxChunk)
  {
    StringSink sink;
    Base64Encoder encoder(sink, lineLength);
    WriteChunked(encoder, data, rng, maxChunk);
    encoder.Finish();
    return sink.GetContent();
  }

  std::string DecodeChunked(const std::string& text, std::mt19937& rng, size_t maxChunk)
  {
    StringSink sink;
    Base64Decoder decoder(sink);
    WriteChunked(decoder, text, rng, maxChunk);
    decoder.Finish();
    return sink.GetContent();
  }

  void ExpectDecodeError(const std::string& text, const std::string& expectedPart)
  {
    try
    {
      Base64::Decode(text);
      ADD_FAILURE() << "no error for \"" << text << "\"";
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
      EXPECT_NE(std::string::npos, std::string(e.what()).find(expectedPart))
        << "message: " << e.what();
    }
  }
}

TEST(MimeBase64, Rfc4648Vectors)
{
  const char* vectors[][2] = {
    { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
    { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" }
  };
  for (const auto& v : vectors)
  {
    EXPECT_EQ(v[1], Base64::Encode(v[0]));
    EXPECT_EQ(v[0], Base64::Decode(v[1]));
  }
}

TEST(MimeBase64, LineBreaksEvery76CharactersWithoutFinalBreak)
{
  std::string data(57, 'x');
  std::string encoded = Base64::Encode(data, 76);
  EXPECT_EQ(76u, encoded.size());
  EXPECT_EQ(std::string::npos, encoded.find('\r'));

  data += 'y';
  encoded = Base64::Encode(data, 76);
  ASSERT_EQ(76u + 2 + 4, encoded.size());
  EXPECT_EQ("\r\n", encoded.substr(76, 2));
  EXPECT_EQ("eQ==", encoded.substr(78));

  StringSink sink;
  EXPECT_THROW(Base64Encoder(sink, 75), Error);   // not a multiple of 4
}

TEST(MimeBase64, RandomRoundTripsWithOddChunkings)
{
  std::mt19937 rng(1234);
  std::vector<size_t> sizes;
  for (size_t s = 0; s < 200; s++)
  {
    sizes.push_back(s);
  }
  for (size_t s : { 1000u, 4095u, 65535u, 65536u, 65537u, 200001u, 1u << 20 })
  {
    sizes.push_back(s);
  }

  for (size_t size : sizes)
  {
    const std::string data = RandomBytes(rng, size);
    const std::string reference = WrapLines(NaiveEncode(data), 76);
    for (size_t maxChunk : { 1u, 2u, 3u, 7u, 100u, 100000u })
    {
      if (size > 100000 && maxChunk < 7)
      {
        continue;    // byte-by-byte on a megabyte adds time, not coverage
      }
      ASSERT_EQ(reference, EncodeChunked(data, 76, rng, maxChunk)) << "size " << size << " chunk " << maxChunk;
      ASSERT_EQ(data, DecodeChunked(reference, rng, maxChunk)) << "size " << size << " chunk " << maxChunk;
    }
  }
}

TEST(MimeBase64, OtherLineLengths)
{
  std::mt19937 rng(99);
  const std::string data = RandomBytes(rng, 1000);
  EXPECT_EQ(WrapLines(NaiveEncode(data), 64), EncodeChunked(data, 64, rng, 13));
  EXPECT_EQ(NaiveEncode(data), EncodeChunked(data, 0, rng, 13));
}

TEST(MimeBase64, DecoderToleratesWhitespaceAndUnpaddedEnd)
{
  EXPECT_EQ("foobar", Base64::Decode("  Zm9v\r\n\tYm\nFy \r\n"));
  EXPECT_EQ("fo", Base64::Decode("Zm8"));
  EXPECT_EQ("f", Base64::Decode("Zg"));
  EXPECT_EQ("f", Base64::Decode("Zg="));     // second "=" cut off
  EXPECT_EQ("fo", Base64::Decode("Zm8=\r\n  \r\n"));
  EXPECT_EQ("f", Base64::Decode("Z g = = "));
}

TEST(MimeBase64, DecoderRejectsBadInputNamingTheOffset)
{
  ExpectDecodeError("Zm9v*mFy", "invalid base64 character '*' (0x2A) at byte offset 4");
  ExpectDecodeError("Zm9vYmFy\x01", "invalid base64 character 0x01 at byte offset 8");
  ExpectDecodeError(std::string("Zm\0v", 4), "0x00 at byte offset 2");
  ExpectDecodeError("Zm9v\xff", "0xFF at byte offset 4");
  ExpectDecodeError("Zm8=Zm9v", "data after the '=' padding at byte offset 4");
  ExpectDecodeError("Z===", "misplaced '=' padding at byte offset 1");
  ExpectDecodeError("=Zm9", "misplaced '=' padding at byte offset 0");
  ExpectDecodeError("Zm8==", "misplaced '=' padding at byte offset 4");
  ExpectDecodeError("Zm9vY", "truncated, 1 dangling character");
  ExpectDecodeError("Zm9v-_", "invalid base64 character '-'");   // base64url is not MIME base64
}

TEST(MimeBase64, DecoderOffsetCountsAcrossWrites)
{
  StringSink sink;
  Base64Decoder decoder(sink);
  decoder.Write(std::string("Zm9v\r\n"));
  try
  {
    decoder.Write(std::string("Zm!v"));
    FAIL() << "no error";
  }
  catch (const Error& e)
  {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("at byte offset 8")) << e.what();
  }
}

// Long streams through the incremental coders: every byte comes back. Their
// speed is printed by Benchmarks/CoreBenchmarks, not asserted here.
TEST(MimeBase64, LongStreamRoundTrip)
{
  std::mt19937 rng(7);
  const std::string block = RandomBytes(rng, 3 << 16);   // a multiple of 3: no padding inside
  const size_t rounds = 40;

  StringSink encoded;
  {
    Base64Encoder encoder(encoded, 76);
    for (size_t i = 0; i < rounds; i++)
    {
      encoder.Write(block.data(), block.size());
    }
    encoder.Finish();
  }

  StringSink decoded;
  {
    Base64Decoder decoder(decoded);
    decoder.Write(encoded.GetContent().data(), encoded.GetContent().size());
    decoder.Finish();
  }
  ASSERT_EQ(rounds * block.size(), decoded.GetContent().size());
  for (size_t i = 0; i < rounds; i++)
  {
    ASSERT_EQ(0, decoded.GetContent().compare(i * block.size(), block.size(), block)) << "round " << i;
  }
}
