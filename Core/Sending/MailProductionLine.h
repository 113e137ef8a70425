// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Sending/ReadyMail.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace DicomMail
{
  // Composes the mails of a transfer on its own thread while the caller
  // uploads the previous ones: encryption (CPU) overlaps SMTP (network).
  // At most "depth" finished mails wait on disk, so disk use stays bounded.
  class MailProductionLine
  {
  public:
    // Builds the mail of one part; runs on the production thread.
    typedef std::function<std::unique_ptr<ReadyMail>(unsigned int part)> Composer;

    MailProductionLine(const std::vector<unsigned int>& parts, Composer composer, size_t depth = 2);
    ~MailProductionLine();   // stops and joins
    MailProductionLine(const MailProductionLine&) = delete;
    MailProductionLine& operator=(const MailProductionLine&) = delete;

    enum class Status
    {
      Ready,     // "mail" holds the next mail
      Waiting,   // nothing yet, ask again
      Done,      // every part was handed out
      Failed     // composing failed; see GetError()
    };

    // Waits at most "timeoutMs" for the next mail, in part order.
    Status Next(std::unique_ptr<ReadyMail>& mail, unsigned int timeoutMs);

    const std::string& GetError() const
    {
      return error_;
    }

    void Stop();

  private:
    void Run();

    std::vector<unsigned int> parts_;
    Composer composer_;
    size_t depth_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::unique_ptr<ReadyMail> > ready_;
    size_t produced_ = 0;
    size_t delivered_ = 0;
    bool stop_ = false;
    bool failed_ = false;
    std::string error_;
    std::thread thread_;
  };
}
