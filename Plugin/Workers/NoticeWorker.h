// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/WakeableThread.h"
#include "Core/Notices/NoticePlanner.h"
#include "Core/Store/NoticeStore.h"
#include "Core/Transport/SmtpSender.h"

#include <memory>
#include <string>

namespace DicomMail
{
  class OpenPgpContext;

  // Notices to people (#20), on a thread of their own: neither a poll nor a
  // send job waits for them, and a failing notice SMTP delays neither.
  //
  // Every few seconds it has the NoticePlanner decide which transfers,
  // completed or failed since its last look, get a notice (once for ever),
  // then sends the pending ones through the site's SMTP account, signed by
  // the site key, over a connection of its own.
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
    void SendDue(NoticeStore& store, NoticePlanner& planner);
    bool SendOne(const QueuedNotice& notice, NoticePlanner& planner, std::string& error);

    WakeableThread thread_;
    // Used by the thread only.
    std::unique_ptr<OpenPgpContext> crypto_;
    std::unique_ptr<SmtpSender> smtp_;
  };
}
