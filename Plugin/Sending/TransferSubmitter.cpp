// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Sending/TransferSubmitter.h"

#include "Core/Common/Error.h"
#include "Core/Partners/PartnerKeyCheck.h"
#include "Core/Transfer/SetId.h"
#include "Core/Transfer/TransferPacker.h"
#include "Core/Transfer/TransferSyntax.h"
#include "Plugin/Instances/ResourceResolver.h"
#include "Plugin/Jobs/SendJob.h"
#include "Plugin/PluginContext.h"

#include <set>

namespace DicomMail
{
  namespace
  {
    // See EncodedSizeModel::Parameters::compressiblePercent.
    const unsigned int kPlannedCompressionPercent = 75;
  }

  SendResponse SubmitTransfer(const SendRequest& request)
  {
    PluginContext& context = PluginContext::Get();

    PartnerSettings partner;
    if (request.partner.empty())
    {
      throw Error(ErrorKind::BadInput, "\"Partner\" is missing: name the partner to send to");
    }
    if (!context.GetPartners().Lookup(request.partner, partner))
    {
      throw Error(ErrorKind::NotFound, "unknown partner \"" + request.partner + "\"");
    }
    const std::string site = context.GetSiteFingerprint();
    if (site.empty())
    {
      throw Error(ErrorKind::Untrusted, "the site has no key to sign with: POST /dicom-mail/keys/site/generate");
    }
    {
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      const PartnerKeyState state = CheckPartnerKey(*crypto, partner, site);
      if (!state.usable)
      {
        throw Error(ErrorKind::Untrusted, "cannot send to partner \"" + partner.name + "\": " + state.reason);
      }
    }
    context.GetSmtpAccount();   // throws a clear error when no server is configured

    const std::vector<ResolvedInstance> instances = ResourceResolver::Resolve(request.resources);

    std::vector<PackerInstance> packed;
    for (const ResolvedInstance& instance : instances)
    {
      PackerInstance p;
      p.id = instance.orthancId;
      p.size = instance.fileSize;
      p.compressible = TransferSyntax::IsUncompressed(instance.transferSyntax);
      packed.push_back(p);
    }
    EncodedSizeModel::Parameters encoding;
    encoding.binaryParts = context.GetConfiguration().binaryDicomParts;
    if (context.GetConfiguration().CompressesFor(partner))
    {
      encoding.compressiblePercent = kPlannedCompressionPercent;
    }
    const TransferPacker packer(context.GetPartners().GetSendLimit(partner), EncodedSizeModel(encoding));
    const std::vector<PlannedMail> plan = packer.Plan(packed);

    SendResponse response;
    response.setId = SetId::Generate();

    OutboxTransfer transfer;
    transfer.setId = response.setId;
    transfer.partner = partner.name;
    transfer.recipient = partner.addresses.front();
    std::set<std::string> studies;
    for (const ResolvedInstance& instance : instances)
    {
      response.instanceIds.push_back(instance.orthancId);
      if (studies.insert(instance.studyInstanceUid).second)
      {
        response.studyInstanceUids.push_back(instance.studyInstanceUid);
      }
    }
    transfer.studyInstanceUids = response.studyInstanceUids;
    transfer.resources = request.resources;
    transfer.totalInstances = static_cast<unsigned int>(instances.size());
    transfer.totalMails = static_cast<unsigned int>(plan.size());
    transfer.acknowledgementsRequested = partner.acknowledgements;
    transfer.reason = "requested by " + request.origin;

    std::vector<OutboxMail> mails;
    for (const PlannedMail& planned : plan)
    {
      OutboxMail mail;
      mail.part = planned.part;
      for (size_t index : planned.instances)
      {
        mail.instances.push_back(instances[index].orthancId);
      }
      mails.push_back(mail);
    }
    context.GetOutbox().CreateTransfer(transfer, mails);

    try
    {
      response.jobId = OrthancJob::Submit(new SendJob(response.setId), request.priority);
    }
    catch (const std::exception& e)
    {
      context.GetOutbox().SetTransferState(response.setId, "failed", e.what());
      throw;
    }
    transfer.jobId = response.jobId;
    transfer.state = "pending";
    OutboxTransfer stored;
    std::vector<OutboxMail> storedMails;
    if (context.GetOutbox().GetTransfer(response.setId, stored, storedMails))
    {
      stored.jobId = response.jobId;
      context.GetOutbox().UpdateTransfer(stored);
    }
    OrthancApi::LogInfo("transfer " + response.setId + " to partner " + partner.name + ": " +
                        std::to_string(instances.size()) + " instances in " + std::to_string(plan.size()) +
                        " mails, job " + response.jobId + " (" + request.origin + ")");
    return response;
  }
}
