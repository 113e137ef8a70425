// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/QualityAssurance/ImageQualityReports.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/QualityAssurance/ConfirmationMailComposer.h"
#include "Core/Store/UtcMillis.h"
#include "Core/Transport/SmtpSender.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"

#include <mutex>

namespace DicomMail
{
  namespace ImageQualityReports
  {
    namespace
    {
      // One confirmation at a time: two clicks must not send two mails.
      std::mutex mutex_;

      ImageQualityConfirmationStore Store()
      {
        return ImageQualityConfirmationStore(PluginContext::Get().GetInbox().GetDatabase());
      }

      // Sends the signed mail back; "" when the SMTP server took it, else why not.
      std::string SendReport(const GivenImageQualityConfirmation& given)
      {
        PluginContext& context = PluginContext::Get();
        const Configuration& config = context.GetConfiguration();
        PartnerSettings partner;
        if (!context.GetPartners().Lookup(given.partner, partner) || partner.addresses.empty())
        {
          return "partner \"" + given.partner + "\" is no longer configured";
        }
        ImageQualityConfirmation confirmation;
        confirmation.testSetId = given.setId;
        confirmation.confirmedBy = given.confirmedBy;
        confirmation.confirmedAtMs = given.confirmedMs;

        SignedMailAddressing addressing;
        addressing.fromName = config.siteName;
        addressing.fromAddress = config.siteAddress;
        addressing.toName = partner.displayName;
        addressing.toAddresses.push_back(partner.addresses.front());
        MailProtection protection;
        protection.recipientFingerprints.push_back(partner.fingerprint);
        protection.signerFingerprint = context.GetSiteFingerprint();
        protection.compress = config.CompressesFor(partner);
        protection.encryptToSelf = config.encryptToSelf;

        std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
        TempFile file(config.workingDirectory, ".qa.eml");
        const ComposedSignedMail mail = ConfirmationMailComposer::Compose(confirmation, addressing, protection,
                                                                          *crypto, file.GetPath());
        SmtpSender smtp(context.GetSmtpAccount(), config.smtp.heloName);
        FileSource source(file.GetPath());
        const SmtpResult result = smtp.Send(config.siteAddress, addressing.toAddresses, source, mail.size);
        return result.ok ? "" : result.message;
      }
    }

    GivenImageQualityConfirmation Confirm(const std::string& setId, const std::string& confirmedBy)
    {
      PluginContext& context = PluginContext::Get();
      InboxTransfer test;
      if (!context.GetInbox().GetTransfer(setId, test) || !test.qaTest)
      {
        throw Error(ErrorKind::NotFound, "no received QA test with SetId \"" + setId + "\"");
      }
      if (test.completedMs == 0 || test.partner.empty())
      {
        throw Error(ErrorKind::BadInput, "the QA test " + setId + " is not yet checked completely");
      }
      GivenImageQualityConfirmation given;
      given.setId = setId;
      given.partner = test.partner;
      given.confirmedBy = ImageQualityConfirmations::CheckName(confirmedBy);
      given.confirmedMs = UtcMillis::Now();

      std::lock_guard<std::mutex> lock(mutex_);
      ImageQualityConfirmationStore store = Store();
      store.AddGiven(given);
      store.GetGiven(setId, given);
      if (given.reportedMs != 0)
      {
        return given;
      }
      std::string error;
      try
      {
        error = SendReport(given);
      }
      catch (const std::exception& e)
      {
        error = e.what();
      }
      if (error.empty())
      {
        store.MarkReported(setId, UtcMillis::Now());
        OrthancApi::LogInfo("image-quality confirmation of QA test " + setId + " reported to partner " +
                            given.partner);
      }
      else
      {
        store.MarkReportFailed(setId, error);
        OrthancApi::LogWarning("cannot report the image-quality confirmation of QA test " + setId +
                               " to partner " + given.partner + " (confirm again to retry): " + error);
      }
      store.GetGiven(setId, given);
      return given;
    }
  }
}
