// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Sending/TransferMailBuilder.h"

#include "Core/Common/Files.h"
#include "Core/Crypto/KeyTravel.h"
#include "Core/Sending/MailComposer.h"
#include "Core/Transfer/PartialSplitter.h"

#include <unistd.h>

namespace DicomMail
{
  TransferMailPlan MakeTransferMailPlan(const Configuration& config, const PartnerSettings& partner,
                                        const std::string& siteFingerprint, uint64_t sendLimit,
                                        const TransferFacts& facts)
  {
    TransferMailPlan plan;
    MailEnvelope& envelope = plan.envelope;
    envelope.fromAddress = config.siteAddress;
    envelope.fromName = config.siteName;
    envelope.toAddress = facts.recipient;
    envelope.toName = partner.displayName;
    envelope.subject = config.subject;
    envelope.setId = facts.setId;
    envelope.binaryDicomParts = facts.binaryDicomParts;
    envelope.qaTest = facts.qaTest;
    envelope.qaMonthly = facts.qaMonthly;
    envelope.total = facts.totalMails;
    if (facts.acknowledgementsRequested)
    {
      envelope.dispositionNotificationTo = config.siteAddress;
    }

    plan.protection.recipientFingerprints.push_back(partner.fingerprint);
    plan.protection.signerFingerprint = siteFingerprint;
    plan.protection.compress = config.CompressesFor(partner);
    plan.protection.encryptToSelf = config.encryptToSelf;

    plan.totals = facts.totals;
    plan.sendLimit = sendLimit;
    plan.maxFragments = config.limits.maxFragments;
    plan.workingDirectory = config.workingDirectory;
    return plan;
  }

  TransferMailBuilder::TransferMailBuilder(const TransferMailPlan& plan) :
    plan_(plan)
  {
  }

  std::string TransferMailBuilder::OwnPublicKey(OpenPgpContext& crypto) const
  {
    // Once per transfer, not per mail: each export is a gpg run forked from
    // Orthanc, which cost the 263 MB benchmark's 28 mails seconds (#22). A
    // key renewed during a transfer leaves with the next transfer or MDN.
    std::lock_guard<std::mutex> lock(keyMutex_);
    if (!keyExported_)
    {
      publicKey_ = KeyTravel::ExportOwnKey(crypto, plan_.protection.signerFingerprint);
      keyExported_ = true;
    }
    return publicKey_;
  }

  std::unique_ptr<ReadyMail> TransferMailBuilder::Build(unsigned int part, const std::vector<MailInstance>& instances,
                                                        OpenPgpContext& crypto, IInstanceSource& source,
                                                        bool compress) const
  {
    MailEnvelope envelope = plan_.envelope;
    envelope.part = part;
    envelope.publicKey = OwnPublicKey(crypto);

    std::unique_ptr<ReadyMail> ready(new ReadyMail);
    ready->part = part;
    std::unique_ptr<TempFile> file(new TempFile(plan_.workingDirectory, ".eml"));
    MailComposer composer(crypto, source);
    MailProtection protection = plan_.protection;
    protection.compress = protection.compress && compress;
    const ComposedMail composed = composer.Compose(envelope, instances, plan_.totals, protection, file->GetPath());
    ready->messageId = composed.messageId;
    ready->dicomBytes = composed.dicomBytes;
    ready->instances = composed.instances;

    if (composed.size <= plan_.sendLimit)
    {
      ready->bytes = composed.size;
      ready->files.push_back(std::move(file));
      return ready;
    }

    // One instance larger than the partner's limit: RFC 2046 message/partial.
    // File names carry the SetId (random, no patient data) to be told apart.
    PartialSplitter splitter(plan_.sendLimit, plan_.maxFragments);
    const std::string prefix = "dm-" + std::to_string(getpid()) + "-" + envelope.setId + "-" +
      std::to_string(part) + "-";
    for (const std::string& path : splitter.SplitToDirectory(file->GetPath(), plan_.workingDirectory, prefix))
    {
      std::unique_ptr<TempFile> fragment(new TempFile(path, TempFile::Adopt));
      ready->bytes += Files::GetSize(path);
      ready->files.push_back(std::move(fragment));
    }
    ready->split = true;
    return ready;
  }
}
