// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Sending/ReadyMail.h"

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace DicomMail
{
  // Composes the mails of a transfer on worker threads while the caller
  // uploads the previous ones: encryption (CPU, in gpg and here) overlaps
  // SMTP (network), and several mails are encrypted at once on several
  // cores. Mails are handed out in part order. At most "depth" mails are in
  // the making or waiting on disk, so disk use stays bounded. The first mail
  // is composed alone, with the machine's CPU to itself: it is the small one
  // that brings the receiver its first images (#15, TransferPacker).
  class MailProductionLine
  {
  public:
    // Builds the mail of one part; runs on worker thread "worker"
    // (0..workers-1), so the composer can keep per-thread state.
    typedef std::function<std::unique_ptr<ReadyMail>(unsigned int part, unsigned int worker)> Composer;

    MailProductionLine(const std::vector<unsigned int>& parts, Composer composer,
                       unsigned int workers = 2, size_t depth = 3);
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
    void Run(unsigned int worker);

    std::vector<unsigned int> parts_;
    Composer composer_;
    size_t depth_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<size_t, std::unique_ptr<ReadyMail> > ready_;   // by index in parts_
    size_t started_ = 0;      // indexes handed to workers
    size_t delivered_ = 0;    // indexes handed to the caller
    bool firstComposed_ = false;
    bool stop_ = false;
    bool failed_ = false;
    std::string error_;
    std::vector<std::thread> threads_;
  };
}
