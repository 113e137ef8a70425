// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Notices/NoticeFacts.h"
#include "Core/Partners/PartnerDirectory.h"
#include "Core/Store/DailyTestStore.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/NoticeStore.h"
#include "Core/Store/OutboxStore.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // One notice decided by a look through the records.
  struct PlannedNotice
  {
    std::string setId;
    NoticeKind kind = NoticeKind::Arrival;
    std::string partner;   // the partner's id
  };

  // When a notice goes out, and what it says. Plan() looks through the
  // records for received transfers that became complete and sent ones that
  // failed since the previous look (the point reached is kept in the
  // records, so a restart neither misses nor repeats one), asks the
  // partner's and the site's settings whether a notice is wanted, and
  // records each decision once for ever (NoticeStore::Claim).
  class NoticePlanner
  {
  public:
    // A transfer's time is taken before its record commits: each look goes
    // back this far past the previous one, so none falls between two looks.
    static const int64_t kOverlapSeconds = 120;
    // After a long stop, transfers older than this get no notice any more.
    static const int64_t kMaxLookbackSeconds = 86400;

    NoticePlanner(NoticeStore& notices, InboxStore& inbox, OutboxStore& outbox, const PartnerDirectory& partners,
                  const NoticeSettings& site, const std::string& siteName);

    // The notices newly decided at "now" (UtcTime).
    std::vector<PlannedNotice> Plan(const std::string& now);

    // Failed daily QA tests with their alert due (DailyTestStore) get a
    // notice to "address" too (#17); off until this is called.
    void EnableQaAlerts(DailyTestStore& tests, const std::string& address);

    // What a queued notice says, from the records as they are now; false
    // when its transfer is no longer recorded.
    bool GetFacts(const QueuedNotice& notice, NoticeFacts& facts);

    // Where a look at "now" starts, after one that reached "scannedUntil"
    // ("" for never: nothing from before notices existed).
    static std::string ScanStart(const std::string& scannedUntil, const std::string& now);

  private:
    // The partner's settings over the site's; a partner deleted since gets
    // the site's, and its id for a name.
    EffectiveNotices SettingsFor(const std::string& partnerId, std::string& partnerName) const;

    NoticeStore& notices_;
    InboxStore& inbox_;
    OutboxStore& outbox_;
    const PartnerDirectory& partners_;
    NoticeSettings site_;
    std::string siteName_;
    DailyTestStore* qaTests_ = nullptr;
    std::string qaAlertAddress_;
  };
}
