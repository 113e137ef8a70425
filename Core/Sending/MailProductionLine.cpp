// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Sending/MailProductionLine.h"

#include <chrono>

namespace DicomMail
{
  MailProductionLine::MailProductionLine(const std::vector<unsigned int>& parts, Composer composer, size_t depth) :
    parts_(parts),
    composer_(std::move(composer)),
    depth_(depth == 0 ? 1 : depth)
  {
    thread_ = std::thread(&MailProductionLine::Run, this);
  }

  MailProductionLine::~MailProductionLine()
  {
    Stop();
  }

  void MailProductionLine::Stop()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable())
    {
      thread_.join();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    ready_.clear();   // removes the files of mails nobody will send
  }

  void MailProductionLine::Run()
  {
    for (unsigned int part : parts_)
    {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return stop_ || ready_.size() < depth_; });
        if (stop_)
        {
          return;
        }
      }
      std::unique_ptr<ReadyMail> mail;
      try
      {
        mail = composer_(part);
      }
      catch (const std::exception& e)
      {
        std::lock_guard<std::mutex> lock(mutex_);
        failed_ = true;
        error_ = "cannot build mail " + std::to_string(part) + ": " + e.what();
        changed_.notify_all();
        return;
      }
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.push_back(std::move(mail));
      produced_++;
      changed_.notify_all();
    }
  }

  MailProductionLine::Status MailProductionLine::Next(std::unique_ptr<ReadyMail>& mail, unsigned int timeoutMs)
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                      [this] { return !ready_.empty() || failed_ || delivered_ == parts_.size(); });
    if (!ready_.empty())
    {
      mail = std::move(ready_.front());
      ready_.pop_front();
      delivered_++;
      changed_.notify_all();
      return Status::Ready;
    }
    if (failed_)
    {
      return Status::Failed;
    }
    return delivered_ == parts_.size() ? Status::Done : Status::Waiting;
  }
}
