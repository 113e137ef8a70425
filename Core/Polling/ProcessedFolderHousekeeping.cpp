// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/ProcessedFolderHousekeeping.h"

#include "Core/Polling/ImapMailboxSession.h"

#include <algorithm>
#include <ctime>

namespace DicomMail
{
  bool ProcessedFolderHousekeeping::IsDue(int64_t now, uint64_t retentionSeconds) const
  {
    if (retentionSeconds == 0)
    {
      return false;   // 0 keeps processed mail
    }
    const int64_t interval = static_cast<int64_t>(std::min(kInterval, retentionSeconds));
    return lastComplete_ == 0 || now - lastComplete_ >= interval;
  }

  std::string ProcessedFolderHousekeeping::SearchCriteria(bool within, int64_t now, uint64_t retentionSeconds)
  {
    std::string criteria = std::string("UNDELETED KEYWORD ") + ImapMailboxSession::kProcessedKeyword + " ";
    if (within)
    {
      return criteria + "OLDER " + std::to_string(retentionSeconds);
    }
    // BEFORE compares the date alone: whatever arrived before the day on
    // which the retention ends, so a mail is kept at least its retention.
    static const char* const kMonths[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    const time_t limit = static_cast<time_t>(now - static_cast<int64_t>(retentionSeconds));
    struct tm tm;
    gmtime_r(&limit, &tm);
    return criteria + "BEFORE " + std::to_string(tm.tm_mday) + "-" + kMonths[tm.tm_mon] + "-" +
      std::to_string(tm.tm_year + 1900);
  }

  unsigned int ProcessedFolderHousekeeping::Run(ImapMailbox& processed, int64_t now, uint64_t retentionSeconds)
  {
    if (!IsDue(now, retentionSeconds))
    {
      return 0;
    }
    processed.CreateFolder(processed.GetFolder());   // a new account has none yet
    const bool within = processed.Offers("WITHIN");
    const std::vector<uint32_t> old = processed.ListUids(SearchCriteria(within, now, retentionSeconds));
    const size_t count = std::min<size_t>(old.size(), kMaxPerRun);
    for (size_t i = 0; i < count; i++)
    {
      processed.Delete(old[i]);
    }
    if (old.size() <= kMaxPerRun)
    {
      lastComplete_ = now;   // done for today; else the next poll goes on
    }
    return static_cast<unsigned int>(count);
  }
}
