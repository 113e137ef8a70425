// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Sending/MailProductionLine.h"

#include <chrono>

namespace DicomMail
{
  MailProductionLine::MailProductionLine(const std::vector<unsigned int>& parts, Composer composer,
                                         unsigned int workers, size_t depth) :
    parts_(parts),
    composer_(std::move(composer)),
    depth_(depth == 0 ? 1 : depth)
  {
    for (unsigned int i = 0; i < (workers == 0 ? 1 : workers); i++)
    {
      threads_.emplace_back(&MailProductionLine::Run, this, i);
    }
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
    for (std::thread& t : threads_)
    {
      if (t.joinable())
      {
        t.join();
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    ready_.clear();   // removes the files of mails nobody will send
  }

  void MailProductionLine::Run(unsigned int worker)
  {
    for (;;)
    {
      size_t index;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        // "started_ - delivered_" counts mails in the making or waiting.
        changed_.wait(lock, [this] {
          return stop_ || failed_ || (started_ - delivered_ < depth_ && (started_ == 0 || firstComposed_));
        });
        if (stop_ || failed_ || started_ == parts_.size())
        {
          return;
        }
        index = started_++;
      }
      std::unique_ptr<ReadyMail> mail;
      try
      {
        mail = composer_(parts_[index], worker);
      }
      catch (const std::exception& e)
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!failed_)
        {
          failed_ = true;
          error_ = "cannot build mail " + std::to_string(parts_[index]) + ": " + e.what();
        }
        changed_.notify_all();
        return;
      }
      std::lock_guard<std::mutex> lock(mutex_);
      ready_[index] = std::move(mail);
      firstComposed_ = true;
      changed_.notify_all();
    }
  }

  MailProductionLine::Status MailProductionLine::Next(std::unique_ptr<ReadyMail>& mail, unsigned int timeoutMs)
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [this] {
      return ready_.count(delivered_) > 0 || failed_ || delivered_ == parts_.size();
    });
    auto found = ready_.find(delivered_);
    if (found != ready_.end())
    {
      mail = std::move(found->second);
      ready_.erase(found);
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
