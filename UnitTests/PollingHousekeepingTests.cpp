// SPDX-License-Identifier: GPL-3.0-or-later
// When and what the processed folder's housekeeping expunges (#23).

#include "Core/Polling/ProcessedFolderHousekeeping.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(ProcessedFolderHousekeeping, SearchesOnlyOurOldMail)
{
  // 2026-12-07T12:00:00Z
  const int64_t now = 1796644800;
  EXPECT_EQ("UNDELETED KEYWORD $DicomMailProcessed OLDER 2592000",
            ProcessedFolderHousekeeping::SearchCriteria(true, now, 30 * 86400));
  EXPECT_EQ("UNDELETED KEYWORD $DicomMailProcessed BEFORE 7-Nov-2026",
            ProcessedFolderHousekeeping::SearchCriteria(false, now, 30 * 86400));
  EXPECT_EQ("UNDELETED KEYWORD $DicomMailProcessed BEFORE 7-Dec-2026",
            ProcessedFolderHousekeeping::SearchCriteria(false, now, 60));
}

TEST(ProcessedFolderHousekeeping, DueOnceADayOrOncePerShorterRetention)
{
  ProcessedFolderHousekeeping h;
  EXPECT_FALSE(h.IsDue(1000, 0));          // 0 keeps processed mail
  EXPECT_TRUE(h.IsDue(1000, 30 * 86400));  // first poll after the start
}
