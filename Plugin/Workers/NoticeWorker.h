// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Notices/NoticeSettings.h"
#include "Core/Store/NoticeStore.h"
#include "Core/Transport/SmtpSender.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace DicomMail
{
  class OpenPgpContext;

  // Notices to people (#20), on a thread of their own: neither a poll nor a
  // send job waits for them, and a failing notice SMTP delays neither.
  //
  // Every few seconds it looks through the records for received transfers
  // that became complete and sent ones that failed since its last look
  // (NoticeStore::FindArrivals/FindFailures; the point reached survives
  // restarts), decides for each from the partner's and the site's
  // "Notices" whether a notice is wanted, records that decision once for
  // ever (NoticeStore::Claim), then sends the pending ones through the
  // site's SMTP account, signed by the site key, over a connection of its own.
  class NoticeWorker
  {
  public:
    NoticeWorker() = default;
    ~NoticeWorker();
    NoticeWorker(const NoticeWorker&) = delete;
    NoticeWorker& operator=(const NoticeWorker&) = delete;

    void Start();
    void Stop();   // what is not sent stays pending for the next start

  private:
    void Run();
    void Scan(NoticeStore& store);
    void SendDue(NoticeStore& store);
    bool SendOne(const QueuedNotice& notice, std::string& error);
    EffectiveNotices SettingsFor(const std::string& partner, std::string& partnerName);
    bool IsStopping();

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
    // Used by the thread only.
    std::unique_ptr<OpenPgpContext> crypto_;
    std::unique_ptr<SmtpSender> smtp_;
  };
}
