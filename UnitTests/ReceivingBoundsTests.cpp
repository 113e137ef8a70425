// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/DiskSpaceGuard.h"
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Common/SizeLimitedSink.h"
#include "Core/Polling/FragmentGroup.h"
#include "Core/Receiving/KeptMailArchive.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utime.h>

using namespace DicomMail;

namespace
{
  std::string WriteFile(const std::string& path, size_t bytes)
  {
    std::ofstream(path, std::ios::binary) << std::string(bytes, 'x');
    return path;
  }

  void SetAge(const std::string& path, time_t secondsAgo)
  {
    struct utimbuf times;
    times.actime = times.modtime = time(nullptr) - secondsAgo;
    ASSERT_EQ(0, utime(path.c_str(), &times));
  }

  std::vector<std::string> Kept(const std::string& directory)
  {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
    {
      names.push_back(entry.path().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  FragmentRecord Fragment(unsigned int number, unsigned int total, uint64_t bytes)
  {
    FragmentRecord f;
    f.partialId = "inbox/p";
    f.number = number;
    f.total = total;
    f.bytes = bytes;
    return f;
  }
}

TEST(DiskSpaceGuard, ReserveAndNeededBytes)
{
  TempDirectory dir;
  const uint64_t free = Files::GetFreeSpace(dir.GetPath());
  EXPECT_TRUE(DiskSpaceGuard(0).HasRoom(dir.GetPath(), 0));
  EXPECT_FALSE(DiskSpaceGuard(free + 1000000000ull).HasRoom(dir.GetPath(), 0));
  EXPECT_FALSE(DiskSpaceGuard(0).HasRoom(dir.GetPath(), free + 1000000000ull));
  try
  {
    DiskSpaceGuard(free + 1000000000ull).Require(dir.GetPath(), 5000000, "fetching a mail");
    FAIL();
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Storage, e.GetKind());
    const std::string text = e.what();
    EXPECT_NE(std::string::npos, text.find(dir.GetPath())) << text;
    EXPECT_NE(std::string::npos, text.find("fetching a mail")) << text;
    EXPECT_NE(std::string::npos, text.find("MinFreeDiskMB")) << text;
  }
  EXPECT_THROW(DiskSpaceGuard(0).HasRoom("/nonexistent/dir", 0), Error);
}

TEST(KeptMailArchive, OldestCopiesGoFirstToStayUnderTheQuota)
{
  TempDirectory dir;
  const std::string archiveDir = dir.File("kept");
  const DiskSpaceGuard disk(0);
  KeptMailArchive archive(archiveDir, 2500, 30, disk);
  std::string whyNot;
  std::vector<std::string> copies;
  for (int i = 0; i < 3; i++)
  {
    copies.push_back(archive.Keep(WriteFile(dir.File("m" + std::to_string(i)), 1000), "rejected", whyNot));
    ASSERT_FALSE(copies.back().empty());
    EXPECT_EQ("", whyNot);
    SetAge(copies.back(), 100 - i);   // the first is the oldest
  }
  // 3 x 1000 > 2500: the oldest went to make room for the third.
  EXPECT_FALSE(Files::Exists(copies[0]));
  EXPECT_TRUE(Files::Exists(copies[1]));
  EXPECT_TRUE(Files::Exists(copies[2]));
  EXPECT_EQ(2000u, archive.GetTotalBytes());
  EXPECT_EQ(copies[2].substr(copies[2].size() - 13), "-rejected.eml");
}

TEST(KeptMailArchive, TooLargeOrNoDiskRoomIsNotKept)
{
  TempDirectory dir;
  const DiskSpaceGuard disk(0);
  KeptMailArchive archive(dir.File("kept"), 500, 30, disk);
  std::string whyNot;
  EXPECT_EQ("", archive.Keep(WriteFile(dir.File("big"), 501), "quarantined", whyNot));
  EXPECT_EQ("quota", whyNot);

  const DiskSpaceGuard full(Files::GetFreeSpace(dir.GetPath()) + 1000000000ull);
  KeptMailArchive starved(dir.File("kept"), 500, 30, full);
  EXPECT_EQ("", starved.Keep(WriteFile(dir.File("small"), 10), "quarantined", whyNot));
  EXPECT_EQ("disk space", whyNot);
  EXPECT_EQ(0u, archive.GetTotalBytes());
}

TEST(KeptMailArchive, CopiesOlderThanMaxAgeGo)
{
  TempDirectory dir;
  const DiskSpaceGuard disk(0);
  KeptMailArchive archive(dir.File("kept"), 1000000, 2, disk);
  std::string whyNot;
  const std::string old = archive.Keep(WriteFile(dir.File("a"), 10), "rejected", whyNot);
  const std::string recent = archive.Keep(WriteFile(dir.File("b"), 10), "rejected", whyNot);
  SetAge(old, 3 * 86400);
  SetAge(recent, 1 * 86400);
  const std::string other = WriteFile(dir.File("kept/notes.txt"), 10);   // not ours: left alone
  SetAge(other, 10 * 86400);
  archive.Prune(0);
  EXPECT_FALSE(Files::Exists(old));
  EXPECT_TRUE(Files::Exists(recent));
  EXPECT_TRUE(Files::Exists(other));
  EXPECT_EQ(2u, Kept(dir.File("kept")).size());
}

TEST(FragmentGroup, TotalCompletenessAndBytes)
{
  FragmentGroup empty({});
  EXPECT_FALSE(empty.IsComplete());
  EXPECT_EQ(0u, empty.GetTotal());

  FragmentGroup partial({ Fragment(1, 0, 100), Fragment(3, 3, 50) });
  EXPECT_EQ(3u, partial.GetTotal());
  EXPECT_EQ(150u, partial.GetBytes());
  EXPECT_FALSE(partial.IsComplete());

  FragmentGroup whole({ Fragment(1, 0, 100), Fragment(2, 0, 100), Fragment(3, 3, 50) });
  EXPECT_TRUE(whole.IsComplete());
}

TEST(FragmentGroup, LimitsWhileItGrows)
{
  FragmentGroup group({ Fragment(1, 0, 600), Fragment(2, 0, 500) });
  EXPECT_EQ("", group.CheckLimits(1100, 2));
  const std::string bytes = group.CheckLimits(1099, 2);
  EXPECT_NE(std::string::npos, bytes.find("1100 bytes")) << bytes;
  EXPECT_NE(std::string::npos, bytes.find("Limits.MaxMailBytes")) << bytes;
  const std::string count = group.CheckLimits(100000, 1);
  EXPECT_NE(std::string::npos, count.find("Limits.MaxFragments")) << count;
}

TEST(SizeLimitedSink, StopsAtTheLimitAndNamesIt)
{
  StringSink out;
  SizeLimitedSink fetched(out, 10, SizeLimitedSink::kFetchedMail, "Limits.MaxMailBytes");
  fetched.Write(std::string("0123456789"));
  EXPECT_EQ(10u, fetched.GetCount());
  try
  {
    fetched.Write(std::string("x"));
    FAIL() << "one byte over the limit was written";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::LimitExceeded, e.GetKind());
    EXPECT_EQ("the fetched mail exceeds the limit of 10 bytes (Limits.MaxMailBytes)", std::string(e.what()));
  }
  EXPECT_EQ("0123456789", out.GetContent());

  SizeLimitedSink expanded(out, 3, SizeLimitedSink::kDecompressedData, "Limits.MaxDecompressedBytes");
  try
  {
    expanded.Write(std::string("abcd"));
    FAIL() << "four bytes went through a limit of three";
  }
  catch (const Error& e)
  {
    EXPECT_EQ("decompressed data exceeds the limit of 3 bytes (Limits.MaxDecompressedBytes)", std::string(e.what()));
  }
}
