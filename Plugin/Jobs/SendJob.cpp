// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Jobs/SendJob.h"

#include "Core/Common/Error.h"
#include "Core/Sending/SendingLeases.h"
#include "Plugin/Instances/OrthancInstanceSource.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/SendingNode.h"

#include <algorithm>

namespace DicomMail
{
  const char* const SendJob::kType = "DicomMailSend";

  namespace
  {
    // The longest a Step() waits for a mail or an upload: short enough for
    // Orthanc to apply Cancel and Pause at once, long enough not to spin.
    const std::chrono::milliseconds kPoll(100);
  }

  SendJob::SendJob(const std::string& setId, int64_t run, const std::vector<unsigned int>& resendParts,
                   const std::string& resendReason) :
    OrthancJob(kType),
    setId_(setId),
    run_(run),
    resendParts_(resendParts),
    resendReason_(resendReason)
  {
    Serialize();
    Json::Value content;
    content["SetId"] = setId_;
    UpdateContent(content);
  }

  SendJob::~SendJob()
  {
    upload_.reset();
    line_.reset();
  }

  void SendJob::Serialize()
  {
    Json::Value serialized;
    serialized["SetId"] = setId_;
    serialized["Run"] = static_cast<Json::Int64>(run_);
    if (!resendParts_.empty())
    {
      serialized["ResendReason"] = resendReason_;
      for (unsigned int part : resendParts_)
      {
        serialized["ResendParts"].append(part);
      }
    }
    UpdateSerialized(serialized);
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
      std::vector<unsigned int> resendParts;
      for (const Json::Value& part : value["ResendParts"])
      {
        resendParts.push_back(part.asUInt());
      }
      // A job saved before #18 has no run: 0, as its transfer's record.
      return OrthancJob::Create(new SendJob(value["SetId"].asString(), value["Run"].asInt64(), resendParts,
                                            value["ResendReason"].asString()));
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot resume a send job: ") + e.what());
      return nullptr;
    }
  }

  std::vector<unsigned int> SendJob::LoadTransfer()
  {
    OutboxStore& outbox = PluginContext::Get().GetOutbox();
    std::vector<OutboxMail> mails;
    if (!outbox.GetTransfer(setId_, transfer_, mails))
    {
      throw Error(ErrorKind::NotFound, "transfer " + setId_ + " is not in the outbox");
    }
    mails_.clear();
    sopUids_.clear();
    std::vector<unsigned int> pending;
    for (OutboxMail& mail : mails)
    {
      const bool resend = std::find(resendParts_.begin(), resendParts_.end(), mail.part) != resendParts_.end();
      if (resend && !OutboxStates::IsAcknowledged(mail.state))   // an MDN may have come meanwhile
      {
        outbox.SetMailState(setId_, mail.part, MailState::Pending, resendReason_);
        mail.state = MailState::Pending;
      }
      mails_[mail.part] = mail;
      if (!OutboxStates::IsDelivered(mail.state))
      {
        pending.push_back(mail.part);
      }
    }
    if (!resendParts_.empty())
    {
      resendParts_.clear();   // once: a resumed job must not send them a third time
      Serialize();
    }
    return pending;
  }

  void SendJob::LoadSopUids(uint64_t& setBytes)
  {
    // Resolved at submission; transfers recorded by an older version have
    // neither UIDs nor bytes in the outbox and are asked from Orthanc.
    const bool recorded = transfer_.totalBytes > 0 || transfer_.totalInstances == 0;
    for (const auto& item : mails_)
    {
      const OutboxMail& mail = item.second;
      for (size_t i = 0; i < mail.instances.size(); i++)
      {
        if (recorded && mail.sopInstanceUids.size() == mail.instances.size())
        {
          sopUids_[mail.instances[i]] = mail.sopInstanceUids[i];
          continue;
        }
        const OrthancInstanceSource::InstanceFacts instance = OrthancInstanceSource::GetFacts(mail.instances[i]);
        sopUids_[mail.instances[i]] = instance.sopInstanceUid;
        setBytes += recorded ? 0 : instance.fileSize;
      }
    }
  }

  void SendJob::Start()
  {
    PluginContext& context = PluginContext::Get();
    const std::vector<unsigned int> pending = LoadTransfer();
    PartnerSettings partner;
    if (!context.GetPartners().Lookup(transfer_.partner, partner))
    {
      throw Error(ErrorKind::NotFound, "partner \"" + transfer_.partner + "\" no longer exists");
    }

    transferSyntax_ = partner.transferSyntax;
    pseudonymise_ = partner.pseudonymise;
    context.CheckTransferSyntax(partner);
    TransferFacts facts;
    facts.setId = setId_;
    facts.recipient = transfer_.recipient;
    facts.totalMails = transfer_.totalMails;
    facts.acknowledgementsRequested = transfer_.acknowledgementsRequested;
    facts.binaryDicomParts = context.SendsBinaryPartsTo(partner);
    facts.qaTest = transfer_.qaTest;
    facts.qaMonthly = transfer_.qaMonthly;
    facts.totals.instances = transfer_.totalInstances;
    facts.totals.bytes = transfer_.totalBytes;
    LoadSopUids(facts.totals.bytes);
    builder_.reset(new TransferMailBuilder(MakeTransferMailPlan(
      context.GetConfiguration(), partner, context.GetSiteFingerprint(),
      context.GetPartners().GetSendLimit(partner), facts)));

    smtp_.reset(new SmtpSender(context.GetSmtpAccount(), context.GetConfiguration().smtp.heloName));
    context.GetOutbox().SetTransferState(setId_, TransferState::Sending, "");
    transfer_.state = TransferState::Sending;
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
    // One context for the whole run of the production line: every context
    // costs gpg processes of its own (version and key listings). The
    // partner's key is checked where each mail is encrypted.
    std::unique_ptr<OpenPgpContext>& crypto = cryptos_.at(worker);
    if (!crypto)
    {
      crypto = PluginContext::Get().NewCrypto();
    }
    std::vector<MailInstance> instances;
    for (const std::string& id : mails_.at(part).instances)
    {
      MailInstance instance;
      instance.id = id;
      instance.sopInstanceUid = sopUids_.at(id);
      instances.push_back(instance);
    }
    PluginContext& context = PluginContext::Get();
    std::unique_ptr<InstancePseudonymiser> pseudonymiser;
    if (pseudonymise_)
    {
      pseudonymiser.reset(new InstancePseudonymiser(context.GetPseudonyms(), transfer_.partner, setId_));
    }
    OrthancInstanceSource source(transferSyntax_, pseudonymiser.get());
    std::unique_ptr<ReadyMail> mail = builder_->Build(part, instances, *crypto, source, mails_.at(part).compress);
    if (!transferSyntax_.empty() || pseudonymise_)
    {
      context.GetInstanceNotes().Record(setId_, part, source.GetNotes());
    }
    return mail;
  }

  SendJob::StepResult SendJob::StartUpload()
  {
    std::unique_ptr<ReadyMail> mail;
    switch (line_->Next(mail, static_cast<unsigned int>(kPoll.count())))
    {
      case MailProductionLine::Status::Waiting:
        return StepResult::Continue;

      case MailProductionLine::Status::Failed:
        return Fail(line_->GetError());

      case MailProductionLine::Status::Done:
      {
        // The record and this copy agree: Sent, or Acknowledged when no MDN is awaited.
        transfer_.state = OutboxStates::WhenAllDelivered(transfer_.acknowledgementsRequested);
        PluginContext::Get().GetOutbox().SetTransferState(setId_, transfer_.state, "");
        line_.reset();
        reason_.clear();
        UpdateProgress(1);
        PublishContent();
        return StepResult::Success;
      }

      case MailProductionLine::Status::Ready:
        break;
    }

    if (!HoldTransfer())
    {
      return Superseded();   // before a byte of this mail left
    }
    PluginContext& context = PluginContext::Get();
    const Configuration& config = context.GetConfiguration();
    context.GetOutbox().MarkMailSending(setId_, mail->part);
    mails_[mail->part].state = MailState::Sending;
    current_ = std::move(mail);
    uploadBegin_ = std::chrono::steady_clock::now();

    MailUpload::Events events;
    events.onSuccess = [] { PluginContext::Get().GetStatusBoard().ReportSuccess("smtp"); };
    events.onError = [](const std::string& message) {
      PluginContext::Get().GetStatusBoard().ReportError("smtp", message);
    };
    const std::string name = "transfer " + setId_ + ", mail " + std::to_string(current_->part);
    events.onRetry = [name](const std::string& message, unsigned int delay) {
      OrthancApi::LogWarning(name + ": temporary SMTP failure, retrying in " + std::to_string(delay) + " s: " +
                             message);
    };
    SmtpRetryPolicy policy;
    policy.maxRetries = config.smtp.maxRetries;
    policy.retryDelaySeconds = config.smtp.retryDelay;
    upload_.reset(new MailUpload(*smtp_, config.siteAddress, {transfer_.recipient}, *current_, policy, events));
    return StepResult::Continue;
  }

  SendJob::StepResult SendJob::PollUpload()
  {
    switch (upload_->Wait(kPoll))
    {
      case MailUpload::Status::Busy:
      {
        const std::string note = upload_->GetRetryNote();
        if (!note.empty() && reason_ != "retrying after: " + note)
        {
          reason_ = "retrying after: " + note;
          // In the outbox too, so that a wait that lasts (the partner's
          // mailbox is full) is seen where the transfer is looked at.
          PluginContext::Get().GetOutbox().SetSendingReason(setId_, current_->part, reason_);
          PublishContent();
        }
        return StepResult::Continue;
      }

      case MailUpload::Status::Failed:
      {
        const std::string failure = upload_->GetFailure();
        const unsigned int part = current_->part;
        upload_.reset();
        current_.reset();
        PluginContext::Get().GetOutbox().SetMailState(setId_, part, MailState::Failed, failure);
        mails_[part].state = MailState::Failed;
        return Fail(failure);
      }

      case MailUpload::Status::Sent:
        RecordSent();
        return StepResult::Continue;
    }
    return StepResult::Continue;
  }

  void SendJob::RecordSent()
  {
    upload_.reset();
    std::unique_ptr<ReadyMail> mail = std::move(current_);
    const uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - uploadBegin_).count());
    const unsigned int fragments = mail->split ? static_cast<unsigned int>(mail->files.size()) : 0;
    // Angle brackets are part of the header, not of the id.
    std::string id = mail->messageId;
    if (id.size() > 2 && id.front() == '<')
    {
      id = id.substr(1, id.size() - 2);
    }
    PluginContext::Get().GetOutbox().MarkMailSent(setId_, mail->part, id, mail->bytes, ms, fragments);
    OutboxMail& record = mails_[mail->part];
    record.state = MailState::Sent;
    record.bytes = mail->bytes;
    record.fragments = fragments;
    bytesThisRun_ += mail->bytes;
    dicomBytesThisRun_ += mail->dicomBytes;
    mailsSent_++;
    reason_.clear();
    UpdateProgress(static_cast<float>(mailsSent_) / static_cast<float>(std::max<size_t>(1, mails_.size())));
    PublishContent();
  }

  SendJob::StepResult SendJob::Fail(const std::string& reason)
  {
    reason_ = reason;
    OrthancApi::LogError("transfer " + setId_ + " failed: " + reason);
    try
    {
      PluginContext::Get().GetOutbox().SetTransferState(setId_, TransferState::Failed, reason);
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot record the failure in the outbox: ") + e.what());
    }
    upload_.reset();
    current_.reset();
    line_.reset();
    PublishContent();
    return StepResult::Failure;
  }

  bool SendJob::HoldTransfer()
  {
    return PluginContext::Get().GetOutbox().HoldRun(setId_, run_,
                                                    SendingNode::Terms(SendingLeases::kTransferSeconds));
  }

  SendJob::StepResult SendJob::Superseded()
  {
    // The outbox is the later job's now: nothing of it is written here.
    reason_ = "superseded: a later job sends this transfer (another node took it over, or a resend began)";
    OrthancApi::LogWarning("transfer " + setId_ + ", job of run " + std::to_string(run_) + ": " + reason_);
    line_.reset();
    cryptos_.clear();
    smtp_.reset();
    started_ = false;
    PublishContent();
    return StepResult::Success;
  }

  SendJob::StepResult SendJob::Step()
  {
    try
    {
      if (!started_)
      {
        if (!HoldTransfer())
        {
          return Superseded();
        }
        Start();
      }
      return upload_ ? PollUpload() : StartUpload();
    }
    catch (const std::exception& e)
    {
      return Fail(e.what());
    }
  }

  void SendJob::Halt()
  {
    // Cancels an upload in progress or its back-off, within about a second.
    upload_.reset();
    if (current_)
    {
      // Not accepted by the server (as far as we know): it goes with the next run.
      try
      {
        PluginContext::Get().GetOutbox().SetMailState(setId_, current_->part, MailState::Pending, "");
      }
      catch (const std::exception& e)
      {
        OrthancApi::LogError(std::string("cannot record the interrupted mail: ") + e.what());
      }
      current_.reset();
    }
    // Encrypted mails not yet sent are removed with the production line.
    line_.reset();
    cryptos_.clear();
    smtp_.reset();
    started_ = false;
  }

  void SendJob::Stop(OrthancPluginJobStopReason reason)
  {
    Halt();
    if (reason == OrthancPluginJobStopReason_Canceled)
    {
      try
      {
        PluginContext::Get().GetOutbox().SetTransferState(setId_, TransferState::Canceled, "canceled by the user");
      }
      catch (const std::exception& e)
      {
        OrthancApi::LogError(std::string("cannot record the cancellation: ") + e.what());
      }
    }
  }

  void SendJob::Reset()
  {
    Halt();
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
      m["State"] = ToString(item.second.state);
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
