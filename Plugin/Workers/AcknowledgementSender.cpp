// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Workers/AcknowledgementSender.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Receiving/AcknowledgementComposer.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"

namespace DicomMail
{
  AcknowledgementSender::~AcknowledgementSender()
  {
    Stop();
  }

  void AcknowledgementSender::Start()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = false;
    if (!thread_.joinable())
    {
      thread_ = std::thread(&AcknowledgementSender::Run, this);
    }
  }

  void AcknowledgementSender::Stop()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
    {
      thread_.join();
    }
  }

  void AcknowledgementSender::Queue(const MdnContent& content, const std::string& to)
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.emplace_back(content, to);
    }
    wake_.notify_one();
  }

  void AcknowledgementSender::Run()
  {
    for (;;)
    {
      std::pair<MdnContent, std::string> next;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty())
        {
          break;   // stopping, and everything queued is sent
        }
        next = std::move(queue_.front());
        queue_.pop_front();
      }
      try
      {
        SendOne(next.first, next.second);
      }
      catch (const std::exception& e)
      {
        smtp_.reset();   // a fresh connection for the next one
        OrthancApi::LogWarning("cannot send the acknowledgement for transfer " + next.first.setId + " to " +
                               next.second + ": " + e.what());
        std::lock_guard<std::mutex> lock(mutex_);
        if (stop_ && !queue_.empty())
        {
          // Shutting down with the server unreachable: do not hold Orthanc's
          // stop for a timeout per MDN; the partners will resend.
          OrthancApi::LogWarning("dropping " + std::to_string(queue_.size()) +
                                 " queued acknowledgement(s) at shutdown; the partners will resend");
          queue_.clear();
        }
      }
    }
    smtp_.reset();
    crypto_.reset();
  }

  void AcknowledgementSender::SendOne(const MdnContent& content, const std::string& to)
  {
    PluginContext& context = PluginContext::Get();
    const Configuration& config = context.GetConfiguration();
    if (!crypto_)
    {
      crypto_ = context.NewCrypto();
    }

    TempFile file(config.workingDirectory, ".mdn");
    AcknowledgementComposer::Compose(content, config.siteAddress, config.siteName, to,
                                     AcknowledgementComposer::kDefaultSubject, context.GetSiteFingerprint(),
                                     *crypto_, file.GetPath());
    // One connection for all acknowledgements: a TLS handshake and AUTH per
    // MDN would cost more than the MDN itself.
    if (!smtp_)
    {
      smtp_.reset(new SmtpSender(context.GetSmtpAccount(), config.smtp.heloName));
    }
    FileSource source(file.GetPath());
    // RFC 3798: an MDN goes with the null return path, so it never bounces.
    const SmtpResult result = smtp_->Send("", {to}, source, source.GetSize());
    if (!result.ok)
    {
      throw Error(ErrorKind::Transport, result.message);
    }
  }
}
