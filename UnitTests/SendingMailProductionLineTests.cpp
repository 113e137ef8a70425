// SPDX-License-Identifier: GPL-3.0-or-later
// MailProductionLine: mails in part order, the first composed alone (#15),
// later ones overlapping. The waits below only give a wrong order the time
// to show; no assertion is about how long anything took.
#include "Core/Sending/MailProductionLine.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>

using namespace DicomMail;

namespace
{
  // What the composers saw, shared between their threads.
  class ComposeLog
  {
  public:
    void Started(unsigned int part)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (part != firstPart_ && !firstDone_)
      {
        startedBeforeFirstDone_.insert(part);
      }
      started_.insert(part);
      changed_.notify_all();
    }

    void Finished(unsigned int part)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (part == firstPart_)
      {
        firstDone_ = true;
      }
      changed_.notify_all();
    }

    // True when "part" starts within "limit".
    bool WaitForStart(unsigned int part, std::chrono::milliseconds limit)
    {
      std::unique_lock<std::mutex> lock(mutex_);
      return changed_.wait_for(lock, limit, [&] { return started_.count(part) > 0; });
    }

    std::set<unsigned int> StartedBeforeFirstDone()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      return startedBeforeFirstDone_;
    }

    void SetFirstPart(unsigned int part)
    {
      firstPart_ = part;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::set<unsigned int> started_;
    std::set<unsigned int> startedBeforeFirstDone_;
    unsigned int firstPart_ = 1;
    bool firstDone_ = false;
  };

  std::vector<unsigned int> DrainParts(MailProductionLine& line)
  {
    std::vector<unsigned int> parts;
    for (;;)
    {
      std::unique_ptr<ReadyMail> mail;
      const MailProductionLine::Status status = line.Next(mail, 100);
      if (status == MailProductionLine::Status::Done || status == MailProductionLine::Status::Failed)
      {
        return parts;
      }
      if (status == MailProductionLine::Status::Ready)
      {
        parts.push_back(mail->part);
      }
    }
  }
}

TEST(SendingMailProductionLine, FirstMailIsComposedAloneThenTheRestOverlap)
{
  for (const std::vector<unsigned int>& parts : { std::vector<unsigned int>{ 1, 2, 3, 4, 5, 6 },
                                                  std::vector<unsigned int>{ 4, 7, 9 } })   // a resend
  {
    ComposeLog log;
    log.SetFirstPart(parts.front());
    bool overlapped = false;
    MailProductionLine line(parts, [&](unsigned int part, unsigned int) {
      log.Started(part);
      if (part == parts[0])
      {
        // A second worker that did not wait would start now.
        log.WaitForStart(parts[1], std::chrono::milliseconds(300));
      }
      else if (part == parts[1])
      {
        // The third starts while the second is composed: two at once again.
        overlapped = log.WaitForStart(parts[2], std::chrono::seconds(20));
      }
      log.Finished(part);
      std::unique_ptr<ReadyMail> mail(new ReadyMail);
      mail->part = part;
      return mail;
    }, 2, 3);

    EXPECT_EQ(parts, DrainParts(line));   // in part order
    EXPECT_TRUE(log.StartedBeforeFirstDone().empty()) << parts.front();
    EXPECT_TRUE(overlapped) << parts.front();
  }
}

TEST(SendingMailProductionLine, AFailedFirstMailStopsTheLine)
{
  ComposeLog log;
  MailProductionLine line({ 1, 2, 3 }, [&](unsigned int part, unsigned int) -> std::unique_ptr<ReadyMail> {
    log.Started(part);
    if (part == 1)
    {
      throw std::runtime_error("no key");
    }
    std::unique_ptr<ReadyMail> mail(new ReadyMail);
    mail->part = part;
    return mail;
  }, 2, 3);

  std::unique_ptr<ReadyMail> mail;
  MailProductionLine::Status status = MailProductionLine::Status::Waiting;
  while (status == MailProductionLine::Status::Waiting)
  {
    status = line.Next(mail, 100);
  }
  EXPECT_EQ(MailProductionLine::Status::Failed, status);
  EXPECT_NE(std::string::npos, line.GetError().find("mail 1"));
  EXPECT_FALSE(log.WaitForStart(2, std::chrono::milliseconds(0)));
}
