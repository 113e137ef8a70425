// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Sending/PartnerControlMail.h"

#include "Core/Common/Files.h"
#include "Core/Transport/SmtpSender.h"
#include "Plugin/PluginContext.h"

namespace DicomMail
{
  PartnerControlMail PartnerControlMail::To(const PartnerSettings& partner, const std::string& signer)
  {
    const Configuration& config = PluginContext::Get().GetConfiguration();
    PartnerControlMail mail;
    mail.addressing.fromName = config.siteName;
    mail.addressing.fromAddress = config.siteAddress;
    mail.addressing.toName = partner.displayName;
    mail.addressing.toAddresses.push_back(partner.addresses.front());
    mail.protection.recipientFingerprints.push_back(partner.fingerprint);
    mail.protection.signerFingerprint = signer;
    mail.protection.compress = config.CompressesFor(partner);
    return mail;
  }

  std::string PartnerControlMail::Send(const ComposedSignedMail& mail) const
  {
    PluginContext& context = PluginContext::Get();
    const Configuration& config = context.GetConfiguration();
    SmtpSender smtp(context.GetSmtpAccount(), config.smtp.heloName);
    FileSource source(mail.path);
    const SmtpResult result = smtp.Send(config.siteAddress, addressing.toAddresses, source, mail.size);
    return result.ok ? "" : result.message;
  }
}
