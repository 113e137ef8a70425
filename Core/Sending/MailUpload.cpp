// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Sending/MailUpload.h"

#include "Core/Common/Files.h"

#include <algorithm>

namespace DicomMail
{
  MailUpload::MailUpload(SmtpSender& smtp, const std::string& from, const std::vector<std::string>& recipients,
                         const ReadyMail& mail, const SmtpRetryPolicy& policy, const Events& events) :
    smtp_(smtp),
    from_(from),
    recipients_(recipients),
    mail_(mail),
    policy_(policy),
    events_(events),
    cancel_(false)
  {
    thread_ = std::thread(&MailUpload::Run, this);
  }

  MailUpload::~MailUpload()
  {
    Cancel();
    if (thread_.joinable())
    {
      thread_.join();
    }
  }

  void MailUpload::Cancel()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);   // no lost wake-up of the back-off wait
      cancel_ = true;
    }
    changed_.notify_all();
  }

  MailUpload::Status MailUpload::Wait(std::chrono::milliseconds timeout)
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, timeout, [this] { return status_ != Status::Busy; });
    return status_;
  }

  std::string MailUpload::GetRetryNote()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return retryNote_;
  }

  std::string MailUpload::GetFailure()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return failure_;
  }

  void MailUpload::Finish(Status status, const std::string& failure)
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      status_ = status;
      failure_ = failure;
    }
    changed_.notify_all();
  }

  void MailUpload::Run()
  {
    try
    {
      for (const std::unique_ptr<TempFile>& file : mail_.files)
      {
        if (!UploadFile(file->GetPath()))
        {
          return;   // Finish() was called
        }
      }
      Finish(Status::Sent, "");
    }
    catch (const std::exception& e)
    {
      Finish(Status::Failed, "mail " + std::to_string(mail_.part) + " could not be sent: " + e.what());
    }
  }

  bool MailUpload::UploadFile(const std::string& path)
  {
    const TransferProgress progress = [this](uint64_t, uint64_t) { return !cancel_; };
    for (unsigned int attempt = 0; ; attempt++)
    {
      FileSource source(path);
      const SmtpResult result = smtp_.Send(from_, recipients_, source, source.GetSize(), progress);
      if (result.ok)
      {
        if (events_.onSuccess)
        {
          events_.onSuccess();
        }
        return true;
      }
      if (events_.onError)
      {
        events_.onError(result.message);
      }
      if (result.permanent || result.cancelled || cancel_ || attempt >= policy_.maxRetries)
      {
        Finish(Status::Failed, result.permanent ?
               "the mail server refused mail " + std::to_string(mail_.part) + ": " + result.message :
               "mail " + std::to_string(mail_.part) + " could not be sent after " + std::to_string(attempt + 1) +
               " attempts: " + result.message);
        return false;
      }
      // Temporary failure: back off, waking at once when canceled.
      const unsigned int delay = policy_.retryDelaySeconds << std::min(attempt, 10u);
      if (events_.onRetry)
      {
        events_.onRetry(result.message, delay);
      }
      std::unique_lock<std::mutex> lock(mutex_);
      retryNote_ = result.message;
      const auto due = std::chrono::steady_clock::now() + std::chrono::seconds(delay);
      if (changed_.wait_until(lock, due, [this] { return cancel_.load(); }))
      {
        lock.unlock();
        Finish(Status::Failed, "mail " + std::to_string(mail_.part) + " canceled while waiting to retry");
        return false;
      }
      lock.unlock();
      smtp_.Close();
    }
  }
}
