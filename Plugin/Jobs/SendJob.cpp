// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Jobs/SendJob.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Partners/PartnerKeyCheck.h"
#include "Core/Sending/MailComposer.h"
#include "Core/Transfer/PartialSplitter.h"
#include "Plugin/Instances/OrthancInstanceSource.h"
#include "Plugin/PluginContext.h"

#include <thread>
#include <unistd.h>

namespace DicomMail
{
  const char* const SendJob::kType = "DicomMailSend";

  namespace
  {
    bool IsDone(const std::string& state)
    {
      return state == "sent" || state == "acknowledged" || state == "warning";
    }
  }

  SendJob::SendJob(const std::string& setId) :
    OrthancJob(kType),
    setId_(setId)
  {
    Json::Value serialized;
    serialized["SetId"] = setId_;
    UpdateSerialized(serialized);
    Json::Value content;
    content["SetId"] = setId_;
    UpdateContent(content);
  }

  SendJob::~SendJob()
  {
    line_.reset();
  }

  OrthancPluginJob* SendJob::Unserialize(const char* type, const char* serialized)
  {
    if (type == nullptr || std::string(type) != kType)
    {
      return nullptr;
    }
    try
    {
      const Json::Value value = OrthancApi::ParseJson(serialized);
      return OrthancJob::Create(new SendJob(value["SetId"].asString()));
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot resume a send job: ") + e.what());
      return nullptr;
    }
  }

  void SendJob::Start()
  {
    PluginContext& context = PluginContext::Get();
    std::vector<OutboxMail> mails;
    if (!context.GetOutbox().GetTransfer(setId_, transfer_, mails))
    {
      throw Error(ErrorKind::NotFound, "transfer " + setId_ + " is not in the outbox");
    }
    if (!context.GetPartners().Lookup(transfer_.partner, partner_))
    {
      throw Error(ErrorKind::NotFound, "partner \"" + transfer_.partner + "\" no longer exists");
    }
    mails_.clear();
    sopUids_.clear();
    setBytes_ = 0;
    std::vector<unsigned int> pending;
    for (const OutboxMail& mail : mails)
    {
      mails_[mail.part] = mail;
      for (const std::string& id : mail.instances)
      {
        const OrthancInstanceSource::InstanceFacts facts = OrthancInstanceSource::GetFacts(id);
        sopUids_[id] = facts.sopInstanceUid;
        setBytes_ += facts.fileSize;
      }
      if (!IsDone(mail.state))
      {
        pending.push_back(mail.part);
      }
    }

    smtp_.reset(new SmtpSender(context.GetSmtpAccount(), context.GetConfiguration().smtp.heloName));
    context.GetOutbox().SetTransferState(setId_, "sending", "");
    transfer_.state = "sending";
    startedAt_ = std::chrono::steady_clock::now();
    bytesThisRun_ = 0;
    dicomBytesThisRun_ = 0;
    mailsSent_ = static_cast<unsigned int>(mails_.size() - pending.size());
    // One GPGME context per worker: contexts must not be shared by threads.
    cryptos_.clear();
    cryptos_.resize(kComposers);
    line_.reset(new MailProductionLine(pending, [this](unsigned int part, unsigned int worker) {
      return Compose(part, worker);
    }, kComposers));
    started_ = true;
    PublishContent();
  }

  std::unique_ptr<ReadyMail> SendJob::Compose(unsigned int part, unsigned int worker)
  {
    PluginContext& context = PluginContext::Get();
    const Configuration& config = context.GetConfiguration();
    const OutboxMail& planned = mails_.at(part);

    // One context for the whole run of the production line: every context
    // costs gpg processes of its own (version and key listings).
    std::unique_ptr<OpenPgpContext>& mine = cryptos_.at(worker);
    if (!mine)
    {
      mine = context.NewCrypto();
      // The key may have been revoked or deleted since the request.
      const PartnerKeyState keyState = CheckPartnerKey(*mine, partner_, context.GetSiteFingerprint());
      if (!keyState.usable)
      {
        throw Error(ErrorKind::Untrusted, keyState.reason);
      }
    }
    OpenPgpContext& crypto = *mine;
    const std::string site = context.GetSiteFingerprint();

    std::vector<MailInstance> instances;
    for (const std::string& id : planned.instances)
    {
      MailInstance instance;
      instance.id = id;
      instance.sopInstanceUid = sopUids_.at(id);
      instances.push_back(instance);
    }

    MailEnvelope envelope;
    envelope.fromAddress = config.siteAddress;
    envelope.fromName = config.siteName;
    envelope.toAddress = transfer_.recipient;
    envelope.toName = partner_.displayName;
    envelope.subject = config.subject;
    envelope.setId = setId_;
    envelope.binaryDicomParts = context.SendsBinaryPartsTo(partner_);
    envelope.part = part;
    envelope.total = transfer_.totalMails;
    if (transfer_.acknowledgementsRequested)
    {
      envelope.dispositionNotificationTo = config.siteAddress;
    }

    SetTotals totals;
    totals.instances = transfer_.totalInstances;
    totals.bytes = setBytes_;

    MailProtection protection;
    protection.recipientFingerprints.push_back(partner_.fingerprint);
    protection.signerFingerprint = site;
    protection.compress = config.CompressesFor(partner_);
    protection.encryptToSelf = config.encryptToSelf;

    std::unique_ptr<ReadyMail> ready(new ReadyMail);
    ready->part = part;
    std::unique_ptr<TempFile> file(new TempFile(config.workingDirectory, ".eml"));
    OrthancInstanceSource source;
    MailComposer composer(crypto, source);
    const ComposedMail composed = composer.Compose(envelope, instances, totals, protection, file->GetPath());
    ready->messageId = composed.messageId;
    ready->dicomBytes = composed.dicomBytes;
    ready->instances = composed.instances;

    const uint64_t limit = context.GetPartners().GetSendLimit(partner_);
    if (composed.size <= limit)
    {
      ready->bytes = composed.size;
      ready->files.push_back(std::move(file));
      return ready;
    }

    // One instance larger than the partner's limit: RFC 2046 message/partial.
    PartialSplitter splitter(limit, config.limits.maxFragments);
    const std::string prefix = "dm-" + std::to_string(getpid()) + "-" + setId_ + "-" + std::to_string(part) + "-";
    const std::vector<std::string> paths = splitter.SplitToDirectory(file->GetPath(), config.workingDirectory, prefix);
    for (const std::string& path : paths)
    {
      std::unique_ptr<TempFile> fragment(new TempFile(path, TempFile::Adopt));
      ready->bytes += Files::GetSize(path);
      ready->files.push_back(std::move(fragment));
    }
    ready->split = true;
    return ready;
  }

  bool SendJob::Upload(ReadyMail& mail, std::string& failure)
  {
    const Configuration& config = PluginContext::Get().GetConfiguration();
    const std::vector<std::string> recipients = {transfer_.recipient};
    for (const std::unique_ptr<TempFile>& file : mail.files)
    {
      for (unsigned int attempt = 0; ; attempt++)
      {
        FileSource source(file->GetPath());
        const SmtpResult result = smtp_->Send(config.siteAddress, recipients, source, source.GetSize());
        if (result.ok)
        {
          PluginContext::Get().GetStatusBoard().ReportSuccess("smtp");
          break;
        }
        PluginContext::Get().GetStatusBoard().ReportError("smtp", result.message);
        if (result.permanent || result.cancelled || attempt >= config.smtp.maxRetries)
        {
          failure = result.permanent ? "the mail server refused mail " + std::to_string(mail.part) + ": " +
            result.message : "mail " + std::to_string(mail.part) + " could not be sent after " +
            std::to_string(attempt + 1) + " attempts: " + result.message;
          return false;
        }
        // Temporary failure (4xx, connection lost): back off and retry.
        const unsigned int delay = config.smtp.retryDelay << std::min(attempt, 10u);
        OrthancApi::LogWarning("transfer " + setId_ + ", mail " + std::to_string(mail.part) +
                               ": temporary SMTP failure, retrying in " + std::to_string(delay) + " s: " +
                               result.message);
        reason_ = "retrying after: " + result.message;
        PublishContent();
        std::this_thread::sleep_for(std::chrono::seconds(delay));
        smtp_->Close();
      }
    }
    return true;
  }

  SendJob::StepResult SendJob::Fail(const std::string& reason)
  {
    reason_ = reason;
    OrthancApi::LogError("transfer " + setId_ + " failed: " + reason);
    try
    {
      PluginContext::Get().GetOutbox().SetTransferState(setId_, "failed", reason);
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot record the failure in the outbox: ") + e.what());
    }
    line_.reset();
    PublishContent();
    return StepResult::Failure;
  }

  SendJob::StepResult SendJob::Step()
  {
    if (!started_)
    {
      try
      {
        Start();
      }
      catch (const std::exception& e)
      {
        return Fail(e.what());
      }
    }

    std::unique_ptr<ReadyMail> mail;
    switch (line_->Next(mail, 500))
    {
      case MailProductionLine::Status::Waiting:
        return StepResult::Continue;

      case MailProductionLine::Status::Failed:
        return Fail(line_->GetError());

      case MailProductionLine::Status::Done:
      {
        OutboxStore& outbox = PluginContext::Get().GetOutbox();
        outbox.SetTransferState(setId_, transfer_.acknowledgementsRequested ? "sent" : "acknowledged", "");
        transfer_.state = "sent";
        line_.reset();
        reason_.clear();
        UpdateProgress(1);
        PublishContent();
        return StepResult::Success;
      }

      case MailProductionLine::Status::Ready:
        break;
    }

    OutboxStore& outbox = PluginContext::Get().GetOutbox();
    outbox.SetMailState(setId_, mail->part, "sending", "");
    outbox.IncrementAttempts(setId_, mail->part);
    const auto begin = std::chrono::steady_clock::now();
    std::string failure;
    if (!Upload(*mail, failure))
    {
      outbox.SetMailState(setId_, mail->part, "failed", failure);
      return Fail(failure);
    }
    const uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - begin).count());
    // Angle brackets are part of the header, not of the id.
    std::string id = mail->messageId;
    if (id.size() > 2 && id.front() == '<')
    {
      id = id.substr(1, id.size() - 2);
    }
    outbox.MarkMailSent(setId_, mail->part, id, mail->bytes, ms,
                        mail->split ? static_cast<unsigned int>(mail->files.size()) : 0);
    mails_[mail->part].state = "sent";
    mails_[mail->part].bytes = mail->bytes;
    mails_[mail->part].fragments = mail->split ? static_cast<unsigned int>(mail->files.size()) : 0;
    bytesThisRun_ += mail->bytes;
    dicomBytesThisRun_ += mail->dicomBytes;
    mailsSent_++;
    reason_.clear();
    UpdateProgress(static_cast<float>(mailsSent_) / static_cast<float>(std::max<size_t>(1, mails_.size())));
    PublishContent();
    return StepResult::Continue;
  }

  void SendJob::Stop(OrthancPluginJobStopReason reason)
  {
    // Encrypted mails not yet sent are removed with the production line.
    line_.reset();
    cryptos_.clear();
    smtp_.reset();
    started_ = false;
    if (reason == OrthancPluginJobStopReason_Canceled)
    {
      try
      {
        PluginContext::Get().GetOutbox().SetTransferState(setId_, "canceled", "canceled by the user");
      }
      catch (const std::exception& e)
      {
        OrthancApi::LogError(std::string("cannot record the cancellation: ") + e.what());
      }
    }
  }

  void SendJob::Reset()
  {
    line_.reset();
    started_ = false;
    reason_.clear();
    UpdateProgress(0);
  }

  void SendJob::PublishContent()
  {
    Json::Value content;
    content["SetId"] = setId_;
    content["Partner"] = transfer_.partner;
    content["Recipient"] = transfer_.recipient;
    content["TotalInstances"] = transfer_.totalInstances;
    content["TotalMails"] = transfer_.totalMails;
    content["MailsSent"] = mailsSent_;
    content["BytesSent"] = static_cast<Json::UInt64>(bytesThisRun_);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - startedAt_).count();
    content["SpeedMBs"] = seconds > 0 ? static_cast<double>(dicomBytesThisRun_) / 1e6 / seconds : 0.0;
    content["WireSpeedMBs"] = seconds > 0 ? static_cast<double>(bytesThisRun_) / 1e6 / seconds : 0.0;
    content["Mails"] = Json::arrayValue;
    for (const auto& item : mails_)
    {
      Json::Value m;
      m["Part"] = item.first;
      m["State"] = item.second.state;
      m["Bytes"] = static_cast<Json::UInt64>(item.second.bytes);
      m["Fragments"] = item.second.fragments;
      content["Mails"].append(m);
    }
    if (!reason_.empty())
    {
      content["Reason"] = reason_;
    }
    UpdateContent(content);
  }
}
