// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Transfer/MdnBuilder.h"
#include "Core/Transport/SmtpSender.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace DicomMail
{
  class OpenPgpContext;

  // Composes, signs and sends our MDNs on a thread of its own, over one SMTP
  // connection. The mailbox poller only queues them: signing starts a gpg
  // process and sending waits for the server, and neither should hold up
  // the import of the next mail. An MDN lost to a crash costs nothing: the
  // partner resends after its timeout and the duplicate is answered again.
  class AcknowledgementSender
  {
  public:
    AcknowledgementSender() = default;
    ~AcknowledgementSender();
    AcknowledgementSender(const AcknowledgementSender&) = delete;
    AcknowledgementSender& operator=(const AcknowledgementSender&) = delete;

    void Start();

    // Sends what is queued (dropping the rest after a failure), then stops
    // the thread.
    void Stop();

    void Queue(const MdnContent& content, const std::string& to);

  private:
    void Run();
    void SendOne(const MdnContent& content, const std::string& to);

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::pair<MdnContent, std::string>> queue_;
    bool stop_ = false;
    std::thread thread_;
    // Used by the thread only; one context keeps its key lookups cached.
    std::unique_ptr<OpenPgpContext> crypto_;
    std::unique_ptr<SmtpSender> smtp_;
  };
}
