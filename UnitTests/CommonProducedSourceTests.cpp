// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Common/ConsumedSink.h"
#include "Core/Common/ProducedSource.h"

#include <atomic>
#include <gtest/gtest.h>
#include <string>

using namespace DicomMail;

namespace
{
  std::string Pattern(size_t size)
  {
    std::string s(size, '\0');
    for (size_t i = 0; i < size; i++)
    {
      s[i] = static_cast<char>((i * 31 + i / 251) & 0xff);
    }
    return s;
  }
}

TEST(CommonProducedSource, DeliversEveryByteInOrderThroughASmallBuffer)
{
  const std::string data = Pattern(300 * 1024 + 17);
  ProducedSource source([&data](ByteSink& out)
  {
    for (size_t i = 0; i < data.size(); i += 1000)
    {
      out.Write(data.data() + i, std::min<size_t>(1000, data.size() - i));
    }
  }, 7);
  StringSink read;
  CopyStream(source, read, 333);
  EXPECT_EQ(data, read.GetContent());
  EXPECT_EQ(0u, source.Read(nullptr, 10));   // the end stays the end
}

TEST(CommonProducedSource, TheProducersErrorComesWhereTheEndWouldHave)
{
  ProducedSource source([](ByteSink& out)
  {
    out.Write(std::string("first bytes"));
    throw Error(ErrorKind::BadInput, "checksum mismatch");
  }, 4);
  std::string read;
  char buffer[3];
  try
  {
    for (;;)
    {
      const size_t n = source.Read(buffer, sizeof(buffer));
      ASSERT_NE(0u, n) << "the failed stream looked whole";
      read.append(buffer, n);
    }
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
    EXPECT_STREQ("checksum mismatch", e.what());
  }
  EXPECT_EQ("first bytes", read);
}

TEST(CommonProducedSource, DrainReportsWhetherTheRestWouldHaveFailed)
{
  {
    ProducedSource source([](ByteSink& out)
    {
      out.Write(Pattern(100000));
    }, 16);
    char c;
    ASSERT_EQ(1u, source.Read(&c, 1));
    EXPECT_NO_THROW(source.Drain());
  }
  ProducedSource failing([](ByteSink& out)
  {
    out.Write(Pattern(100000));
    throw Error(ErrorKind::BadInput, "cut off");
  }, 16);
  EXPECT_THROW(failing.Drain(), Error);
}

TEST(CommonProducedSource, AReaderThatStopsEarlyReleasesABlockedProducer)
{
  std::atomic<bool> producerStopped(false);
  std::atomic<bool> producerFinished(false);
  {
    ProducedSource source([&](ByteSink& out)
    {
      try
      {
        for (int i = 0; i < 1000; i++)
        {
          out.Write(Pattern(64 * 1024));
        }
        producerFinished = true;
      }
      catch (const Error&)
      {
        producerStopped = true;
        throw;
      }
    }, 1024);
    char buffer[100];
    ASSERT_EQ(100u, source.Read(buffer, sizeof(buffer)));
  }   // joins the producer
  EXPECT_TRUE(producerStopped);
  EXPECT_FALSE(producerFinished);
}

TEST(CommonConsumedSink, TheConsumerReadsEveryByteInOrder)
{
  const std::string data = Pattern(200 * 1024 + 3);
  StringSink read;
  ConsumedSink sink([&read](ByteSource& in) { CopyStream(in, read, 77); }, 5);
  for (size_t i = 0; i < data.size(); i += 999)
  {
    sink.Write(data.data() + i, std::min<size_t>(999, data.size() - i));
  }
  EXPECT_FALSE(sink.Finish());
  EXPECT_EQ(data, read.GetContent());
}

TEST(CommonConsumedSink, AConsumerThatFailsNeitherStopsNorBlocksTheWriter)
{
  ConsumedSink sink([](ByteSource& in)
  {
    char c[10];
    in.Read(c, sizeof(c));
    throw Error(ErrorKind::BadInput, "not a MIME entity");
  }, 16);
  for (int i = 0; i < 100; i++)
  {
    sink.Write(Pattern(10000));   // dropped once the consumer is gone; would block forever otherwise
  }
  std::exception_ptr error = sink.Finish();
  ASSERT_TRUE(error);
  try
  {
    std::rethrow_exception(error);
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
  }
}

TEST(CommonConsumedSink, AWriterThatGivesUpEndsTheConsumerWithAnError)
{
  std::atomic<bool> sawError(false);
  {
    ConsumedSink sink([&sawError](ByteSource& in)
    {
      StringSink ignored;
      try
      {
        CopyStream(in, ignored);
      }
      catch (const Error&)
      {
        sawError = true;
      }
    });
    sink.Write(std::string("half an entity"));
  }   // no Finish(): the stream did not end well
  EXPECT_TRUE(sawError);
}
