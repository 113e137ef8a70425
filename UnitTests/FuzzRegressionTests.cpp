// SPDX-License-Identifier: GPL-3.0-or-later
// Every input kept under Fuzz/corpus/<target>/ (the seeds, and each
// input a fuzzer once crashed, hung or blew up on) goes through the very code
// the libFuzzer target runs (Fuzz/*FuzzTarget.h): it must parse or be refused
// with DicomMail::Error. Seeds ("seed-*") are valid data and
// must be accepted.
#include "Fuzz/ManifestFuzzTarget.h"
#include "Fuzz/MdnParserFuzzTarget.h"
#include "Fuzz/MimeParserFuzzTarget.h"
#include "Fuzz/PartialReassemblerFuzzTarget.h"
#include "Core/Mime/MimeHeaders.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

using namespace DicomMail;

namespace
{
  struct CorpusFile
  {
    std::string name;
    std::string content;

    bool IsSeed() const
    {
      return name.compare(0, 5, "seed-") == 0;
    }
  };

  std::vector<CorpusFile> LoadCorpus(const std::string& target)
  {
    const std::filesystem::path directory =
      std::filesystem::path(DICOM_MAIL_SOURCE_DIR) / "Fuzz" / "corpus" / target;
    std::vector<CorpusFile> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
    {
      if (entry.is_regular_file())
      {
        std::ifstream stream(entry.path(), std::ios::binary);
        std::ostringstream content;
        content << stream.rdbuf();
        files.push_back(CorpusFile{ entry.path().filename().string(), content.str() });
      }
    }
    std::sort(files.begin(), files.end(), [](const CorpusFile& a, const CorpusFile& b)
    {
      return a.name < b.name;
    });
    return files;
  }

  const uint8_t* Bytes(const CorpusFile& file)
  {
    return reinterpret_cast<const uint8_t*>(file.content.data());
  }

  // Runs "run" on every file of the target's directory; "check" then looks
  // at the result of a seed. Returns the number of files run.
  template <typename Result>
  size_t RunCorpus(const std::string& target,
                   const std::function<Result(const uint8_t*, size_t)>& run,
                   const std::function<void(const CorpusFile&, Result)>& checkSeed)
  {
    const std::vector<CorpusFile> files = LoadCorpus(target);
    size_t seeds = 0;
    for (const CorpusFile& file : files)
    {
      SCOPED_TRACE(target + "/" + file.name);
      Result result = Result();
      // Error is swallowed inside "run": whatever escapes is a regression.
      EXPECT_NO_THROW(result = run(Bytes(file), file.content.size()));
      if (file.IsSeed())
      {
        checkSeed(file, result);
        seeds++;
      }
    }
    EXPECT_GE(seeds, 2u) << "the seed corpus of " << target << " is missing";
    return files.size();
  }

  bool EndsWith(const std::string& s, const std::string& suffix)
  {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
}

TEST(FuzzRegression, MimeParser)
{
  const size_t count = RunCorpus<unsigned int>(
    "FuzzMimeParser", Fuzzing::RunMimeParserTarget,
    [](const CorpusFile& seed, unsigned int accepted)
    {
      if (EndsWith(seed.name, ".asc"))
      {
        EXPECT_NE(0u, accepted & Fuzzing::kArmorAccepted);
      }
      else
      {
        EXPECT_NE(0u, accepted & Fuzzing::kMimeParserAccepted);
        EXPECT_NE(0u, accepted & Fuzzing::kHeaderBlockAccepted);
      }
    });
  EXPECT_GE(count, 5u);
}

TEST(FuzzRegression, PartialReassembler)
{
  const size_t count = RunCorpus<uint64_t>(
    "FuzzPartialReassembler", Fuzzing::RunPartialReassemblerTarget,
    [](const CorpusFile& seed, uint64_t reassembled)
    {
      // Every seed holds a complete set of fragments of a mail larger than any one of them.
      const size_t fragments = Fuzzing::SplitFragments(seed.content).size();
      EXPECT_GT(reassembled, seed.content.size() / fragments);
    });
  EXPECT_GE(count, 3u);
}

TEST(FuzzRegression, Manifest)
{
  const size_t count = RunCorpus<bool>(
    "FuzzManifest", Fuzzing::RunManifestTarget,
    [](const CorpusFile&, bool accepted)
    {
      EXPECT_TRUE(accepted);
    });
  EXPECT_GE(count, 2u);
}

TEST(FuzzRegression, AcknowledgementParser)
{
  const size_t count = RunCorpus<unsigned int>(
    "FuzzMdnParser", Fuzzing::RunMdnParserTarget,
    [](const CorpusFile& seed, unsigned int accepted)
    {
      if (EndsWith(seed.name, ".eml"))
      {
        EXPECT_NE(0u, accepted & Fuzzing::kMdnEntityAccepted);
      }
      else
      {
        EXPECT_NE(0u, accepted & Fuzzing::kMdnFieldsAccepted);
      }
    });
  EXPECT_GE(count, 4u);
}

TEST(FuzzRegression, SplitFragments)
{
  const std::string separator = Fuzzing::kFragmentSeparator;
  EXPECT_EQ(std::vector<std::string>({ "" }), Fuzzing::SplitFragments(""));
  EXPECT_EQ(std::vector<std::string>({ "a", "", "b" }),
            Fuzzing::SplitFragments("a" + separator + separator + "b"));

  std::string many;
  for (size_t i = 0; i < Fuzzing::kMaxFuzzFragments + 10; i++)
  {
    many += "x" + separator;
  }
  const std::vector<std::string> fragments = Fuzzing::SplitFragments(many);
  ASSERT_EQ(Fuzzing::kMaxFuzzFragments, fragments.size());
  EXPECT_EQ("x", fragments.front());
  // The rest goes, unsplit, into the last one.
  EXPECT_EQ(0u, fragments.back().find("x" + separator));
}

// Finding (FuzzMimeParser, FuzzMdnParser: timeout-many-folded-header-lines.eml):
// every continuation line rebuilt the whole field value, so a field folded
// over many short lines cost quadratic time. With the header block limit
// raised (it is configurable) that was a hang; now it is linear, which
// Benchmarks/CoreBenchmarks shows as a flat time per line. Here: the value.
TEST(FuzzRegression, FoldedHeaderOfManyLinesIsUnfolded)
{
  std::string block = "Subject: a\r\n";
  for (size_t i = 0; i < 200000; i++)
  {
    block += " a\r\n";
  }

  const MimeHeaders headers = MimeHeaders::Parse(block, block.size() + 2);

  const std::string value = headers.Get("Subject");
  ASSERT_EQ(400001u, value.size());
  EXPECT_EQ("a a a", value.substr(0, 5));
  EXPECT_EQ(" a", value.substr(value.size() - 2));
}

// The in-place unfolding keeps what the rebuilding did: the value trimmed at
// both ends, inner white space kept, blank continuation lines adding nothing.
TEST(FuzzRegression, FoldedHeaderValueIsTrimmedAsBefore)
{
  const MimeHeaders headers = MimeHeaders::Parse(
    "Subject: a\r\n  b \r\n\t\r\n c\r\n"
    "X-Empty-First:\r\n   x  \r\n y\r\n"
    "X-Blank:\r\n \t \r\n"
    "\r\n");
  EXPECT_EQ("a  b c", headers.Get("Subject"));
  EXPECT_EQ("x y", headers.Get("X-Empty-First"));
  EXPECT_TRUE(headers.Has("X-Blank"));
  EXPECT_EQ("", headers.Get("X-Blank", "absent"));
}
