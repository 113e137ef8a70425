// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Transfer/EncodedSizeModel.h"
#include "Core/Transfer/PackingOrder.h"
#include "Core/Transfer/TransferPacker.h"
#include "Core/Transfer/TransferSyntax.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace DicomMail;

namespace
{
  // A plain reference encoder: base64 with CRLF after every full line and
  // after the last one, the layout the size model assumes.
  std::string EncodeBase64Lines(const std::string& data, size_t lineLength)
  {
    static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string encoded;
    for (size_t i = 0; i < data.size(); i += 3)
    {
      const size_t n = std::min<size_t>(3, data.size() - i);
      uint32_t block = 0;
      for (size_t j = 0; j < 3; j++)
      {
        block = (block << 8) | (j < n ? static_cast<unsigned char>(data[i + j]) : 0);
      }
      for (size_t j = 0; j < 4; j++)
      {
        encoded.push_back(j <= n ? kAlphabet[(block >> (18 - 6 * j)) & 63] : '=');
      }
    }
    std::string lines;
    for (size_t i = 0; i < encoded.size(); i += lineLength)
    {
      lines += encoded.substr(i, lineLength) + "\r\n";
    }
    return lines;
  }

  std::vector<PackerInstance> MakeInstances(const std::vector<uint64_t>& sizes)
  {
    std::vector<PackerInstance> instances;
    for (size_t i = 0; i < sizes.size(); i++)
    {
      PackerInstance instance;
      instance.id = "instance-" + std::to_string(i);
      instance.size = sizes[i];
      instances.push_back(instance);
    }
    return instances;
  }

  // Every instance exactly once, in order, in consecutively numbered mails.
  void CheckCoverage(const std::vector<PlannedMail>& mails, size_t count)
  {
    size_t next = 0;
    for (size_t m = 0; m < mails.size(); m++)
    {
      EXPECT_EQ(m + 1, mails[m].part);
      ASSERT_FALSE(mails[m].instances.empty());
      for (size_t index : mails[m].instances)
      {
        EXPECT_EQ(next, index);
        next++;
      }
    }
    EXPECT_EQ(count, next);
  }
}

TEST(TransferSizeModel, Base64MatchesARealEncoder)
{
  std::mt19937 random(7);
  for (size_t size : { 0, 1, 2, 3, 56, 57, 58, 114, 1000, 4095, 65536 })
  {
    std::string data(size, '\0');
    for (char& c : data)
    {
      c = static_cast<char>(random());
    }
    EXPECT_EQ(EncodeBase64Lines(data, 76).size(), EncodedSizeModel::Base64Bytes(size, 76)) << size;
    EXPECT_EQ(EncodeBase64Lines(data, 64).size(), EncodedSizeModel::Base64Bytes(size, 64)) << size;
  }
}

TEST(TransferSizeModel, EstimateGrowsWithSizeAndCount)
{
  EncodedSizeModel model;
  const uint64_t one = model.EstimateMailSize({ 1000000 });
  EXPECT_GT(one, 1000000u * 4 / 3 * 4 / 3);   // base64 twice
  EXPECT_LT(one, 1000000u * 2);
  EXPECT_GT(model.EstimateMailSize({ 1000001 }), one - 1);
  EXPECT_GT(model.EstimateMailSize({ 500000, 500000 }), one);   // one more part header
  EXPECT_EQ(model.EstimateMailSize({ 500000, 500000 }),
            model.EstimateFromParts(2 * model.EncodedPartBytes(500000), 2));
  EXPECT_THROW(model.EstimateMailSize({ EncodedSizeModel::kMaxInstanceSize + 1 }), Error);
}

TEST(TransferSizeModel, MaxPayloadIsTheLargestThatFits)
{
  EncodedSizeModel model;
  for (uint64_t max : { 20000ull, 1000000ull, 10000000ull, 10240000ull, 50000000000ull })
  {
    const uint64_t payload = model.MaxPayloadFor(max);
    EXPECT_LE(model.EstimateMailSize({ payload }), max) << max;
    EXPECT_GT(model.EstimateMailSize({ payload + 1 }), max) << max;
  }

  try
  {
    model.MaxPayloadFor(5000);
    FAIL() << "no exception";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Configuration, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("cannot even hold the headers"));
  }
}

TEST(TransferPacker, InstanceExactlyAtTheLimitIsNotSplit)
{
  const uint64_t max = 10000000;
  TransferPacker packer(max);
  const uint64_t largest = packer.GetModel().MaxPayloadFor(max);

  std::vector<PlannedMail> mails = packer.Plan(MakeInstances({ largest }));
  ASSERT_EQ(1u, mails.size());
  EXPECT_FALSE(mails[0].needsSplit);
  EXPECT_LE(mails[0].estimatedSize, max);
  EXPECT_EQ(std::vector<size_t>({ 0 }), mails[0].instances);

  mails = packer.Plan(MakeInstances({ largest + 1 }));
  ASSERT_EQ(1u, mails.size());
  EXPECT_TRUE(mails[0].needsSplit);
  EXPECT_GT(mails[0].estimatedSize, max);
}

TEST(TransferPacker, OversizedInstanceGoesAloneBetweenOthers)
{
  const uint64_t max = 1000000;
  TransferPacker packer(max);
  const std::vector<PlannedMail> mails = packer.Plan(MakeInstances({ 1000, 2000, 5000000, 3000, 4000 }));
  ASSERT_EQ(3u, mails.size());
  CheckCoverage(mails, 5);
  EXPECT_EQ(std::vector<size_t>({ 0, 1 }), mails[0].instances);
  EXPECT_EQ(std::vector<size_t>({ 2 }), mails[1].instances);
  EXPECT_EQ(std::vector<size_t>({ 3, 4 }), mails[2].instances);
  EXPECT_FALSE(mails[0].needsSplit);
  EXPECT_TRUE(mails[1].needsSplit);
  EXPECT_FALSE(mails[2].needsSplit);

  // Two oversized in a row: one mail each.
  const std::vector<PlannedMail> twice = packer.Plan(MakeInstances({ 2000000, 3000000 }));
  ASSERT_EQ(2u, twice.size());
  EXPECT_TRUE(twice[0].needsSplit);
  EXPECT_TRUE(twice[1].needsSplit);
}

TEST(TransferPacker, PacksGreedilyInOrder)
{
  const uint64_t max = 10000000;
  TransferPacker packer(max);
  std::mt19937 random(42);
  std::vector<uint64_t> sizes;
  for (int i = 0; i < 300; i++)
  {
    sizes.push_back(random() % 3000000);   // CT slices to small multi-frame objects
  }

  const std::vector<PlannedMail> mails = packer.Plan(MakeInstances(sizes));
  CheckCoverage(mails, sizes.size());
  for (size_t m = 0; m < mails.size(); m++)
  {
    std::vector<uint64_t> content;
    for (size_t index : mails[m].instances)
    {
      content.push_back(sizes[index]);
    }
    EXPECT_FALSE(mails[m].needsSplit);
    EXPECT_EQ(packer.GetModel().EstimateMailSize(content), mails[m].estimatedSize);
    EXPECT_LE(mails[m].estimatedSize, max);

    if (m + 1 < mails.size())
    {
      // The next instance did not fit: that is why the mail was closed.
      content.push_back(sizes[mails[m + 1].instances.front()]);
      EXPECT_GT(packer.GetModel().EstimateMailSize(content), max) << "mail " << m + 1;
    }
  }
}

TEST(TransferPacker, ManyTinyInstances)
{
  TransferPacker packer(10000000);
  const std::vector<PlannedMail> mails = packer.Plan(MakeInstances(std::vector<uint64_t>(20000, 600)));
  CheckCoverage(mails, 20000);
  for (const PlannedMail& mail : mails)
  {
    EXPECT_LE(mail.instances.size(), 1000u);   // the default cap per mail
    EXPECT_LE(mail.estimatedSize, 10000000u);
  }
  EXPECT_EQ(20u, mails.size());

  // A tighter size limit closes mails before the count cap.
  TransferPacker small(100000);
  const std::vector<PlannedMail> smallMails = small.Plan(MakeInstances(std::vector<uint64_t>(500, 600)));
  CheckCoverage(smallMails, 500);
  EXPECT_GT(smallMails.size(), 5u);
  for (const PlannedMail& mail : smallMails)
  {
    EXPECT_LE(mail.estimatedSize, 100000u);
  }

  // Empty files are legal and still cost a part each.
  TransferPacker capped(10000000, EncodedSizeModel(), 7);
  const std::vector<PlannedMail> cappedMails = capped.Plan(MakeInstances(std::vector<uint64_t>(15, 0)));
  ASSERT_EQ(3u, cappedMails.size());
  EXPECT_EQ(7u, cappedMails[0].instances.size());
  EXPECT_EQ(7u, cappedMails[1].instances.size());
  EXPECT_EQ(1u, cappedMails[2].instances.size());
}

TEST(TransferPacker, Errors)
{
  TransferPacker packer(10000000);
  try
  {
    packer.Plan({});
    FAIL() << "no exception";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
  }

  try
  {
    TransferPacker tooSmall(3000);
    FAIL() << "no exception";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Configuration, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("3000"));
  }

  EXPECT_THROW(TransferPacker(10000000, EncodedSizeModel(), 0), Error);
  EXPECT_THROW(packer.Plan(MakeInstances({ EncodedSizeModel::kMaxInstanceSize + 1 })), Error);
}

// With compression on, instances stored uncompressed are planned at
// compressiblePercent of their encoded size: fewer, fuller mails. Already
// compressed ones, and every instance when the percentage is 100, keep the
// bound that holds without compression.
TEST(TransferPacker, CompressibleInstancesArePlannedSmaller)
{
  const uint64_t limit = 10000000;
  std::vector<PackerInstance> raw = MakeInstances(std::vector<uint64_t>(100, 526000));
  std::vector<PackerInstance> compressible = raw;
  for (PackerInstance& p : compressible)
  {
    p.compressible = true;
  }

  EncodedSizeModel::Parameters compressing;
  compressing.binaryParts = true;
  compressing.compressiblePercent = 75;
  EncodedSizeModel::Parameters bounding = compressing;
  bounding.compressiblePercent = 100;

  const std::vector<PlannedMail> bound = TransferPacker(limit, EncodedSizeModel(bounding)).Plan(compressible);
  const std::vector<PlannedMail> jpeg = TransferPacker(limit, EncodedSizeModel(compressing)).Plan(raw);
  const std::vector<PlannedMail> fuller = TransferPacker(limit, EncodedSizeModel(compressing)).Plan(compressible);
  CheckCoverage(fuller, compressible.size());
  EXPECT_EQ(bound.size(), jpeg.size());
  EXPECT_LT(fuller.size() * 100, bound.size() * 80);   // at least a fifth fewer mails
  for (const PlannedMail& mail : fuller)
  {
    EXPECT_LE(mail.estimatedSize, limit);
  }

  EncodedSizeModel model(compressing);
  EXPECT_EQ(model.EncodedPartBytes(526000, false) - model.GetParameters().partHeaderBytes, 526000u);
  EXPECT_EQ(model.EncodedPartBytes(526000, true) - model.GetParameters().partHeaderBytes, 394500u);
}

TEST(TransferPacker, OnlyUncompressedTransferSyntaxesCountAsCompressible)
{
  EXPECT_TRUE(TransferSyntax::IsUncompressed("1.2.840.10008.1.2"));
  EXPECT_TRUE(TransferSyntax::IsUncompressed("1.2.840.10008.1.2.1"));
  EXPECT_TRUE(TransferSyntax::IsUncompressed("1.2.840.10008.1.2.2"));
  EXPECT_FALSE(TransferSyntax::IsUncompressed("1.2.840.10008.1.2.1.99"));   // deflated
  EXPECT_FALSE(TransferSyntax::IsUncompressed("1.2.840.10008.1.2.4.50"));   // JPEG baseline
  EXPECT_FALSE(TransferSyntax::IsUncompressed("1.2.840.10008.1.2.4.90"));   // JPEG 2000
  EXPECT_FALSE(TransferSyntax::IsUncompressed("1.2.840.10008.1.2.5"));      // RLE
  EXPECT_FALSE(TransferSyntax::IsUncompressed(""));
}

// #15, time to first image: whole small series go first, studies stay in the
// order requested, instances in their order within a series.
namespace
{
  PackerInstance InSeries(const std::string& id, uint64_t size, const std::string& study, const std::string& series)
  {
    PackerInstance instance;
    instance.id = id;
    instance.size = size;
    instance.study = study;
    instance.series = series;
    return instance;
  }

  std::vector<std::string> PackedIds(const std::vector<PlannedMail>& mails, const std::vector<PackerInstance>& input)
  {
    std::vector<std::string> ids;
    for (const PlannedMail& mail : mails)
    {
      for (size_t index : mail.instances)
      {
        ids.push_back(input[index].id);
      }
    }
    return ids;
  }
}

TEST(TransferPacker, SmallSeriesFirstWithinEachStudy)
{
  // Study A: a CT series of 3 large slices, a scout of 1, a reformat of 2
  // smaller ones; study B (requested second): one series, tiny.
  const std::vector<PackerInstance> input = {
    InSeries("ct1", 500000, "A", "ct"), InSeries("ct2", 500000, "A", "ct"),
    InSeries("scout", 100000, "A", "scout"),
    InSeries("ct3", 500000, "A", "ct"),
    InSeries("re1", 200000, "A", "reformat"), InSeries("re2", 200000, "A", "reformat"),
    InSeries("b1", 1000, "B", "only"),
  };
  const std::vector<PlannedMail> mails = TransferPacker(1200000).Plan(input);
  EXPECT_EQ((std::vector<std::string>{ "scout", "re1", "re2", "ct1", "ct2", "ct3", "b1" }), PackedIds(mails, input));
  // The first mail carries the two small series whole.
  ASSERT_GE(mails.size(), 2u);
  std::vector<std::string> first;
  for (size_t index : mails[0].instances)
  {
    first.push_back(input[index].id);
  }
  EXPECT_EQ("scout", first.at(0));
  EXPECT_NE(first.end(), std::find(first.begin(), first.end(), "re2"));
}

TEST(TransferPacker, PackingOrderIsDeterministicAndKeepsTiesInOrder)
{
  const std::vector<PackerInstance> input = {
    InSeries("s2-a", 300, "", "two"), InSeries("s1-a", 300, "", "one"),
    InSeries("s2-b", 300, "", "two"), InSeries("s1-b", 300, "", "one"),
    InSeries("s3", 100, "", "three"),
  };
  const std::vector<size_t> order = PackingOrder::SmallSeriesFirst(input);
  EXPECT_EQ((std::vector<size_t>{ 4, 0, 2, 1, 3 }), order);   // equal sizes: first seen first
  EXPECT_EQ(order, PackingOrder::SmallSeriesFirst(input));
  // Without series keys the order is the given one.
  EXPECT_EQ((std::vector<size_t>{ 0, 1, 2 }), PackingOrder::SmallSeriesFirst(MakeInstances({ 9, 1, 5 })));
}

TEST(TransferPacker, ALargeSeriesStillSpansMailsAfterTheSmallOnes)
{
  std::vector<PackerInstance> input;
  for (int i = 0; i < 10; i++)
  {
    input.push_back(InSeries("big" + std::to_string(i), 400000, "A", "big"));
  }
  input.push_back(InSeries("small", 1000, "A", "small"));
  const std::vector<PlannedMail> mails = TransferPacker(1000000).Plan(input);
  ASSERT_GT(mails.size(), 1u);
  EXPECT_EQ(10u, mails[0].instances.front());   // "small" leads the first mail
  std::vector<size_t> all;
  for (size_t m = 0; m < mails.size(); m++)
  {
    EXPECT_EQ(m + 1, mails[m].part);
    all.insert(all.end(), mails[m].instances.begin(), mails[m].instances.end());
  }
  EXPECT_EQ((std::vector<size_t>{ 10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }), all);   // each once, series whole
}

// #15, time to the first image: a small first mail, the rest as before.
namespace
{
  std::vector<std::string> IdsOf(const PlannedMail& mail, const std::vector<PackerInstance>& input)
  {
    std::vector<std::string> ids;
    for (size_t index : mail.instances)
    {
      ids.push_back(input[index].id);
    }
    return ids;
  }

  std::vector<PackerInstance> Series(const std::string& name, size_t count, uint64_t size)
  {
    std::vector<PackerInstance> series;
    for (size_t i = 0; i < count; i++)
    {
      series.push_back(InSeries(name + std::to_string(i), size, "A", name));
    }
    return series;
  }

  std::vector<PackerInstance> Concat(std::initializer_list<std::vector<PackerInstance>> parts)
  {
    std::vector<PackerInstance> all;
    for (const std::vector<PackerInstance>& part : parts)
    {
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  }

  std::vector<size_t> Flatten(const std::vector<PlannedMail>& mails)
  {
    std::vector<size_t> all;
    for (const PlannedMail& mail : mails)
    {
      all.insert(all.end(), mail.instances.begin(), mail.instances.end());
    }
    return all;
  }

  const uint64_t kLimit = 10000000;
  const uint64_t kBudget = 1000000;
}

TEST(TransferPacker, FirstMailCarriesTheSmallWholeSeriesThatFitTheBudget)
{
  const std::vector<PackerInstance> input = Concat({
    Series("ct", 40, 526000), Series("scout", 1, 100000), Series("reformat", 3, 100000) });
  const TransferPacker packer(kLimit, EncodedSizeModel(), 1000, kBudget);
  const std::vector<PlannedMail> mails = packer.Plan(input);
  ASSERT_GE(mails.size(), 3u);
  EXPECT_EQ((std::vector<std::string>{ "scout0", "reformat0", "reformat1", "reformat2" }), IdsOf(mails[0], input));
  EXPECT_LE(mails[0].estimatedSize, kBudget);
  EXPECT_EQ("ct0", input[mails[1].instances.front()].id);
  // The rest is packed to the limit, as without the budget.
  EXPECT_GT(packer.GetModel().EstimateMailSize(std::vector<uint64_t>(mails[1].instances.size() + 1, 526000)), kLimit);
  EXPECT_LE(mails.size(), TransferPacker(kLimit).Plan(input).size() + 1);
  EXPECT_EQ(Flatten(TransferPacker(kLimit).Plan(input)), Flatten(mails));
}

TEST(TransferPacker, FirstMailDoesNotCutTheNextSeries)
{
  // The scout fits, the reformat after it would only in part: it goes whole
  // into the second mail.
  const std::vector<PackerInstance> input = Concat({
    Series("ct", 40, 526000), Series("scout", 1, 100000), Series("reformat", 5, 210000) });
  const std::vector<PlannedMail> mails = TransferPacker(kLimit, EncodedSizeModel(), 1000, kBudget).Plan(input);
  ASSERT_GE(mails.size(), 3u);
  EXPECT_EQ((std::vector<std::string>{ "scout0" }), IdsOf(mails[0], input));
  EXPECT_EQ("reformat0", input[mails[1].instances.front()].id);
}

TEST(TransferPacker, FirstMailTakesTheFirstInstancesOfALargeFirstSeries)
{
  const std::vector<PackerInstance> input = Series("ct", 500, 526000);
  const TransferPacker packer(kLimit, EncodedSizeModel(), 1000, kBudget);
  const std::vector<PlannedMail> mails = packer.Plan(input);
  ASSERT_GE(mails.size(), 2u);
  EXPECT_EQ((std::vector<size_t>{ 0 }), mails[0].instances);
  EXPECT_LE(mails[0].estimatedSize, kBudget);
  EXPECT_GT(packer.GetModel().EstimateMailSize({ 526000, 526000 }), kBudget);   // a second would not fit

  // A larger budget takes as many as fit, and not one more.
  const uint64_t budget = 3000000;
  const std::vector<PlannedMail> larger = TransferPacker(kLimit, EncodedSizeModel(), 1000, budget).Plan(input);
  const size_t n = larger[0].instances.size();
  EXPECT_GT(n, 1u);
  EXPECT_LE(larger[0].estimatedSize, budget);
  EXPECT_GT(packer.GetModel().EstimateMailSize(std::vector<uint64_t>(n + 1, 526000)), budget);
  CheckCoverage(larger, input.size());
  const size_t without = TransferPacker(kLimit).Plan(input).size();
  EXPECT_EQ(without + 1, mails.size());   // 526 KB slices fill the last mail: here it costs one
  EXPECT_LE(larger.size(), without + 1);
}

TEST(TransferPacker, AnInstanceOverTheBudgetStillGoesFirstAndAlone)
{
  // Under the limit: alone in a normal mail.
  const std::vector<PackerInstance> large = Series("mr", 10, 3000000);
  const std::vector<PlannedMail> mails = TransferPacker(kLimit, EncodedSizeModel(), 1000, kBudget).Plan(large);
  ASSERT_GE(mails.size(), 2u);
  EXPECT_EQ((std::vector<size_t>{ 0 }), mails[0].instances);
  EXPECT_FALSE(mails[0].needsSplit);
  CheckCoverage(mails, large.size());

  // Over the limit: alone and split, as without the budget.
  const std::vector<PackerInstance> huge = Series("wsi", 3, 12000000);
  const std::vector<PlannedMail> split = TransferPacker(kLimit, EncodedSizeModel(), 1000, kBudget).Plan(huge);
  ASSERT_EQ(3u, split.size());
  EXPECT_TRUE(split[0].needsSplit);
  EXPECT_EQ((std::vector<size_t>{ 0 }), split[0].instances);
}

TEST(TransferPacker, NoSmallFirstMailWhereItCannotHelp)
{
  // One mail's worth: still one mail.
  const std::vector<PackerInstance> small = Series("ct", 5, 526000);
  const std::vector<PlannedMail> one = TransferPacker(kLimit, EncodedSizeModel(), 1000, kBudget).Plan(small);
  ASSERT_EQ(1u, one.size());
  EXPECT_EQ(5u, one[0].instances.size());

  // A budget over half the limit, or none: the plan without it.
  const std::vector<PackerInstance> input = Series("ct", 60, 526000);
  const std::vector<PlannedMail> plain = TransferPacker(2000000).Plan(input);
  for (uint64_t budget : { 0ull, 1000001ull, 2000000ull })
  {
    const std::vector<PlannedMail> mails = TransferPacker(2000000, EncodedSizeModel(), 1000, budget).Plan(input);
    ASSERT_EQ(plain.size(), mails.size()) << budget;
    for (size_t m = 0; m < mails.size(); m++)
    {
      EXPECT_EQ(plain[m].instances, mails[m].instances) << budget;
    }
  }
  // Exactly half the limit still ramps up.
  const std::vector<PlannedMail> half = TransferPacker(2000000, EncodedSizeModel(), 1000, 1000000).Plan(input);
  EXPECT_EQ(1u, half[0].instances.size());
}

TEST(TransferPacker, SmallFirstMailKeepsEverythingElseAsBefore)
{
  std::mt19937 random(15);
  for (int round = 0; round < 200; round++)
  {
    std::vector<PackerInstance> input;
    const int series = 1 + static_cast<int>(random() % 5);
    for (int s = 0; s < series; s++)
    {
      const int count = 1 + static_cast<int>(random() % 40);
      for (int i = 0; i < count; i++)
      {
        const uint64_t size = random() % 8 == 0 ? random() % 12000000 : random() % 900000;
        input.push_back(InSeries("s" + std::to_string(s) + "-" + std::to_string(i), size,
                                 random() % 4 == 0 ? "B" : "A", std::to_string(s)));
      }
    }
    const TransferPacker packer(kLimit, EncodedSizeModel(), 1000, kBudget);
    const std::vector<PlannedMail> plain = TransferPacker(kLimit).Plan(input);
    const std::vector<PlannedMail> mails = packer.Plan(input);

    // Same instances in the same order, one mail more at most.
    EXPECT_EQ(Flatten(plain), Flatten(mails)) << round;
    EXPECT_LE(mails.size(), plain.size() + 1) << round;
    if (plain.size() == 1)
    {
      EXPECT_EQ(1u, mails.size()) << round;
      continue;
    }
    // The first mail: within the budget, or one instance alone.
    EXPECT_TRUE(mails[0].estimatedSize <= kBudget || mails[0].instances.size() == 1) << round;
    for (size_t m = 0; m < mails.size(); m++)
    {
      EXPECT_EQ(m + 1, mails[m].part) << round;
      EXPECT_TRUE(mails[m].estimatedSize <= kLimit || (mails[m].needsSplit && mails[m].instances.size() == 1))
        << round << " mail " << m + 1;
      if (m >= 1 && m + 1 < mails.size() && !mails[m].needsSplit && !mails[m + 1].needsSplit)
      {
        // Later mails are closed only when the next instance does not fit.
        std::vector<uint64_t> content;
        for (size_t index : mails[m].instances)
        {
          content.push_back(input[index].size);
        }
        content.push_back(input[mails[m + 1].instances.front()].size);
        EXPECT_GT(packer.GetModel().EstimateMailSize(content), kLimit) << round << " mail " << m + 1;
      }
    }
  }
}
