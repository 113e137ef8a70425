// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Sending/TransferSubmitter.h"

#include "Core/Common/Error.h"
#include "Core/Partners/PartnerKeyCheck.h"
#include "Core/Sending/SendingLeases.h"
#include "Core/Sending/TranscodePolicy.h"
#include "Core/Sending/TransferMailBuilder.h"
#include "Core/Transfer/SetId.h"
#include "Core/Transfer/TransferPacker.h"
#include "Core/Transfer/TransferSyntax.h"
#include "Plugin/Instances/ResourceResolver.h"
#include "Plugin/Jobs/SendJob.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/SendingNode.h"

#include <mutex>

namespace DicomMail
{
  namespace
  {
    // See EncodedSizeModel::Parameters::compressiblePercent.
    const unsigned int kPlannedCompressionPercent = 75;

    PartnerSettings CheckPartner(const std::string& name)
    {
      PluginContext& context = PluginContext::Get();
      PartnerSettings partner;
      if (name.empty())
      {
        throw Error(ErrorKind::BadInput, "\"Partner\" is missing: name the partner to send to");
      }
      if (!context.GetPartners().Lookup(name, partner))
      {
        throw Error(ErrorKind::NotFound, "unknown partner \"" + name + "\"");
      }
      const std::string site = context.GetSiteFingerprint();
      if (site.empty())
      {
        throw Error(ErrorKind::Untrusted, "the site has no key to sign with: POST /dicom-mail/keys/site/generate");
      }
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      const PartnerKeyState state = CheckPartnerKey(*crypto, partner, site);
      if (!state.usable)
      {
        throw Error(ErrorKind::Untrusted, "cannot send to partner \"" + partner.name + "\": " + state.reason);
      }
      context.GetSmtpAccount();   // throws a clear error when no server is configured
      return partner;
    }

    // The plan's indexes count the studies' instances one study after the other.
    // "compress" gets, for each planned mail, whether it holds an instance
    // that OpenPGP's compression would shrink.
    std::vector<PlannedMail> PlanMails(const PartnerSettings& partner, const std::vector<ResolvedStudy>& studies,
                                       std::vector<bool>& compress)
    {
      PluginContext& context = PluginContext::Get();
      std::vector<PackerInstance> packed;
      for (const ResolvedStudy& study : studies)
      {
        for (const ResolvedInstance& instance : study.instances)
        {
          PackerInstance p;
          p.id = instance.orthancId;
          p.size = TranscodePolicy::PlannedSize(instance.fileSize, instance.transferSyntax, partner.transferSyntax);
          p.compressible = TransferSyntax::IsUncompressed(
            TranscodePolicy::PlannedSyntax(instance.transferSyntax, partner.transferSyntax));
          p.study = study.orthancId;   // keys for the small-series-first order
          p.series = instance.seriesId;
          packed.push_back(p);
        }
      }
      EncodedSizeModel::Parameters encoding;
      encoding.binaryParts = context.SendsBinaryPartsTo(partner);
      if (context.GetConfiguration().CompressesFor(partner))
      {
        encoding.compressiblePercent = kPlannedCompressionPercent;
      }
      // A small first mail: the receiver shows the first images long before
      // the first full-size mail could be there (#15).
      const TransferPacker packer(context.GetPartners().GetSendLimit(partner), EncodedSizeModel(encoding),
                                  TransferPacker::kMaxInstancesPerMail, TransferPacker::kFirstMailBudget);
      std::vector<PlannedMail> plan = packer.Plan(packed);
      // No double compression: a mail of compressed instances only (as they
      // will be sent) is not compressed again by OpenPGP; the job encrypts
      // each mail as recorded here.
      compress.clear();
      for (const PlannedMail& mail : plan)
      {
        bool anyCompressible = false;
        for (size_t index : mail.instances)
        {
          anyCompressible = anyCompressible || packed[index].compressible;
        }
        compress.push_back(anyCompressible);
      }
      return plan;
    }
  }

  SendResponse SubmitTransfer(const SendRequest& request)
  {
    const PartnerSettings partner = CheckPartner(request.partner);
    // Every id is resolved before anything is recorded: a request naming an
    // unknown id starts nothing. Studies follow each other in the order the
    // request named them.
    std::vector<ResolvedInstance> instances;
    SendResponse response;
    const std::vector<ResolvedStudy> studies = ResourceResolver::Resolve(request.resources);
    for (const ResolvedStudy& study : studies)
    {
      instances.insert(instances.end(), study.instances.begin(), study.instances.end());
      response.studyInstanceUids.push_back(study.studyInstanceUid);
    }
    for (const ResolvedInstance& instance : instances)
    {
      response.instanceIds.push_back(instance.orthancId);
    }
    std::vector<bool> compress;
    const std::vector<PlannedMail> plan = PlanMails(partner, studies, compress);
    OutboxStore& outbox = PluginContext::Get().GetOutbox();
    response.setId = request.setId.empty() ? SetId::Generate() : request.setId;

    OutboxTransfer transfer;
    transfer.setId = response.setId;
    transfer.partner = partner.name;
    transfer.recipient = partner.addresses.front();
    transfer.studyInstanceUids = response.studyInstanceUids;
    transfer.resources = request.resources;
    transfer.totalInstances = static_cast<unsigned int>(instances.size());
    for (const ResolvedInstance& instance : instances)
    {
      transfer.totalBytes += instance.fileSize;
    }
    transfer.totalMails = static_cast<unsigned int>(plan.size());
    transfer.acknowledgementsRequested = partner.acknowledgements;
    transfer.reason = "requested by " + request.origin;
    transfer.qaTest = request.qaTest;
    transfer.qaMonthly = request.qaTest && request.qaMonthly;
    // This node sends it, in the first run of jobs (#18).
    const ClaimTerms terms = SendingNode::Terms(SendingLeases::kTransferSeconds);
    transfer.claimedBy = terms.node;
    transfer.claimedUntil = terms.until;
    transfer.sendRun = 1;

    std::vector<OutboxMail> mails;
    for (const PlannedMail& planned : plan)
    {
      OutboxMail mail;
      mail.part = planned.part;
      mail.compress = compress[planned.part - 1];
      for (size_t index : planned.instances)
      {
        mail.instances.push_back(instances[index].orthancId);
        mail.sopInstanceUids.push_back(instances[index].sopInstanceUid);   // the job needs not ask again
      }
      mails.push_back(mail);
    }
    outbox.CreateTransfer(transfer, mails);

    try
    {
      response.jobId = OrthancJob::Submit(new SendJob(response.setId, transfer.sendRun), request.priority);
    }
    catch (const std::exception& e)
    {
      outbox.SetTransferState(response.setId, TransferState::Failed, e.what());
      throw;
    }
    outbox.SetJobId(response.setId, response.jobId);
    OrthancApi::LogInfo("transfer " + response.setId + " to partner " + partner.name + ": " +
                        std::to_string(instances.size()) + " instances in " + std::to_string(plan.size()) +
                        " mails, job " + response.jobId + " (" + request.origin + ")");
    return response;
  }

  SendResponse ResendTransfer(const std::string& setId)
  {
    // One resend at a time: two clicks must not start two jobs.
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    OutboxStore& outbox = PluginContext::Get().GetOutbox();
    OutboxTransfer transfer;
    std::vector<OutboxMail> mails;
    if (!outbox.GetTransfer(setId, transfer, mails))
    {
      throw Error(ErrorKind::NotFound, "no transfer with SetId \"" + setId + "\" in the outbox");
    }
    if (!OutboxStates::IsResendable(transfer.state))
    {
      throw Error(ErrorKind::BadInput, "transfer " + setId + " is " + ToString(transfer.state) +
                  ": only a failed transfer is sent again");
    }
    CheckPartner(transfer.partner);
    // Not resendable any more from here on, whichever node is asked next;
    // the job keeps it so.
    const int64_t run = outbox.BeginResend(setId, SendingNode::Terms(SendingLeases::kTransferSeconds),
                                           "resend requested");
    if (run == 0)
    {
      throw Error(ErrorKind::BadInput, "transfer " + setId + " is being sent again already");
    }
    SendResponse response;
    response.setId = setId;
    response.studyInstanceUids = transfer.studyInstanceUids;
    try
    {
      response.jobId = OrthancJob::Submit(new SendJob(setId, run), 0);
    }
    catch (const std::exception& e)
    {
      outbox.SetTransferState(setId, TransferState::Failed, e.what());
      throw;
    }
    outbox.SetJobId(setId, response.jobId);
    OrthancApi::LogWarning("transfer " + setId + " to partner " + transfer.partner + ": sent again, job " +
                           response.jobId);
    return response;
  }
}
