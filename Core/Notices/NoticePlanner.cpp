// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Notices/NoticePlanner.h"

#include "Core/Store/UtcTime.h"

#include <algorithm>

namespace DicomMail
{
  NoticePlanner::NoticePlanner(NoticeStore& notices, InboxStore& inbox, OutboxStore& outbox,
                               const PartnerDirectory& partners, const NoticeSettings& site,
                               const std::string& siteName) :
    notices_(notices),
    inbox_(inbox),
    outbox_(outbox),
    partners_(partners),
    site_(site),
    siteName_(siteName)
  {
  }

  std::string NoticePlanner::ScanStart(const std::string& scannedUntil, const std::string& now)
  {
    if (scannedUntil.empty())
    {
      return now;
    }
    return UtcTime::FromUnix(std::max(UtcTime::ToUnix(scannedUntil) - kOverlapSeconds,
                                      UtcTime::ToUnix(now) - kMaxLookbackSeconds));
  }

  EffectiveNotices NoticePlanner::SettingsFor(const std::string& partnerId, std::string& partnerName) const
  {
    PartnerSettings partner;
    if (!partners_.Lookup(partnerId, partner))
    {
      partnerName = partnerId;
      return EffectiveNotices::Resolve(site_, NoticeSettings());
    }
    partnerName = partner.displayName.empty() ? partner.name : partner.displayName;
    return EffectiveNotices::Resolve(site_, partner.notices);
  }

  void NoticePlanner::EnableQaAlerts(DailyTestStore& tests, const std::string& address)
  {
    qaTests_ = &tests;
    qaAlertAddress_ = address;
  }

  std::vector<PlannedNotice> NoticePlanner::Plan(const std::string& now)
  {
    const std::string since = ScanStart(notices_.GetScannedUntil(), now);
    std::vector<PlannedNotice> planned;
    std::string name;
    auto decide = [&](const std::string& setId, const std::string& partner, NoticeKind kind)
    {
      const EffectiveNotices settings = SettingsFor(partner, name);
      if (settings.Wants(kind) && notices_.Claim(setId, kind, settings.to, now))
      {
        planned.push_back(PlannedNotice{setId, kind, partner});
      }
    };
    for (const std::string& setId : notices_.FindArrivals(since))
    {
      InboxTransfer transfer;
      if (inbox_.GetTransfer(setId, transfer))
      {
        decide(setId, transfer.partner, NoticeKind::Arrival);
      }
    }
    for (const std::string& setId : notices_.FindFailures(since))
    {
      OutboxTransfer transfer;
      std::vector<OutboxMail> mails;
      if (outbox_.GetTransfer(setId, transfer, mails))
      {
        decide(setId, transfer.partner, NoticeKind::Failure);
      }
    }
    if (qaTests_ != nullptr && !qaAlertAddress_.empty())
    {
      // The alert's "due" is the durable decision; the claim makes it one
      // notice for ever, and it stays due until the server took the mail.
      for (const DailyTest& test : qaTests_->ListAlertsDue())
      {
        if (notices_.Claim(test.setId, NoticeKind::QaAlert, { qaAlertAddress_ }, now))
        {
          planned.push_back(PlannedNotice{test.setId, NoticeKind::QaAlert, test.partner});
        }
      }
    }
    notices_.SetScannedUntil(now);
    return planned;
  }

  bool NoticePlanner::GetFacts(const QueuedNotice& notice, NoticeFacts& facts)
  {
    std::string partnerName;
    if (notice.kind == NoticeKind::Arrival)
    {
      InboxTransfer transfer;
      if (!inbox_.GetTransfer(notice.setId, transfer))
      {
        return false;
      }
      const EffectiveNotices settings = SettingsFor(transfer.partner, partnerName);
      facts = NoticeFacts::ForArrival(transfer, static_cast<unsigned int>(inbox_.ListStudies(notice.setId).size()),
                                      partnerName, siteName_, settings);
      return true;
    }
    if (notice.kind == NoticeKind::QaAlert)
    {
      DailyTest test;
      if (qaTests_ == nullptr || !qaTests_->Get(notice.setId, test))
      {
        return false;
      }
      const EffectiveNotices settings = SettingsFor(test.partner, partnerName);
      facts = NoticeFacts::ForQaAlert(test, partnerName, siteName_, settings);
      return true;
    }
    OutboxTransfer transfer;
    std::vector<OutboxMail> mails;
    if (!outbox_.GetTransfer(notice.setId, transfer, mails))
    {
      return false;
    }
    const EffectiveNotices settings = SettingsFor(transfer.partner, partnerName);
    facts = NoticeFacts::ForFailure(transfer, partnerName, siteName_, settings);
    return true;
  }
}
