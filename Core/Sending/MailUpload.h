// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Sending/ReadyMail.h"
#include "Core/Transport/SmtpSender.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace DicomMail
{
  // Temporary SMTP failures (4xx, lost connection) are retried, the delay
  // doubling each time; permanent ones end the upload at once.
  struct SmtpRetryPolicy
  {
    unsigned int maxRetries = 5;
    unsigned int retryDelaySeconds = 10;
  };

  // Uploads the files of one ReadyMail on a thread of its own, retrying as
  // the policy says, so that the caller (an Orthanc job's Step()) only polls
  // it and never waits for a server or a back-off. Cancel() stops an upload
  // in progress (through SmtpSender's progress hook) and a back-off wait
  // within about a second.
  class MailUpload
  {
  public:
    struct Events
    {
      // Every attempt's outcome, for the account's status; on the upload thread.
      std::function<void()> onSuccess;
      std::function<void(const std::string& message)> onError;
      // A temporary failure; the next attempt follows after "delaySeconds".
      std::function<void(const std::string& message, unsigned int delaySeconds)> onRetry;
    };

    enum class Status
    {
      Busy,     // uploading or waiting to retry
      Sent,     // every file accepted by the server
      Failed    // see GetFailure()
    };

    // "smtp" must outlive this object and not be used by anyone else meanwhile.
    MailUpload(SmtpSender& smtp, const std::string& from, const std::vector<std::string>& recipients,
               const ReadyMail& mail, const SmtpRetryPolicy& policy, const Events& events);
    ~MailUpload();   // cancels and joins
    MailUpload(const MailUpload&) = delete;
    MailUpload& operator=(const MailUpload&) = delete;

    // Waits at most "timeout" for the upload to end.
    Status Wait(std::chrono::milliseconds timeout);

    // While Busy: the last temporary failure, "" before the first one.
    std::string GetRetryNote();

    // Why the upload failed: the server's refusal or the last temporary failure.
    std::string GetFailure();

    void Cancel();

  private:
    void Run();
    bool UploadFile(const std::string& path);
    void Finish(Status status, const std::string& failure);

    SmtpSender& smtp_;
    std::string from_;
    std::vector<std::string> recipients_;
    const ReadyMail& mail_;
    SmtpRetryPolicy policy_;
    Events events_;
    std::atomic<bool> cancel_;
    std::mutex mutex_;
    std::condition_variable changed_;
    Status status_ = Status::Busy;
    std::string failure_;
    std::string retryNote_;
    std::thread thread_;
  };
}
