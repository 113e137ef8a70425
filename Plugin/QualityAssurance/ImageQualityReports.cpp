// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/QualityAssurance/ImageQualityReports.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/QualityAssurance/ConfirmationMailComposer.h"
#include "Core/Store/UtcMillis.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/PartnerControlMail.h"

#include <algorithm>
#include <mutex>

namespace DicomMail
{
  namespace ImageQualityReports
  {
    namespace
    {
      // One confirmation at a time: two clicks must not send two mails.
      std::mutex mutex_;

      // Sends of one report before the worker gives up (the button sends
      // again); the pause after a failure doubles, at most an hour.
      const unsigned int kMaxAttempts = 20;
      const int64_t kMaxPauseMs = 3600 * 1000;

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

        PartnerControlMail control = PartnerControlMail::To(partner, context.GetSiteFingerprint());
        control.protection.encryptToSelf = config.encryptToSelf;

        std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
        TempFile file(config.workingDirectory, ".qa.eml");
        return control.Send(ConfirmationMailComposer::Compose(confirmation, control.addressing, control.protection,
                                                              *crypto, file.GetPath()));
      }

      // Sends the report and records the outcome.
      void Report(ImageQualityConfirmationStore& store, const GivenImageQualityConfirmation& given)
      {
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
          store.MarkReported(given.setId, UtcMillis::Now());
          OrthancApi::LogInfo("image-quality confirmation of QA test " + given.setId + " reported to partner " +
                              given.partner);
          return;
        }
        const int64_t base = static_cast<int64_t>(PluginContext::Get().GetConfiguration().smtp.retryDelay) * 1000;
        const int64_t pause = std::min(kMaxPauseMs, base << std::min(given.attempts, 12u));
        store.MarkReportFailed(given.setId, error, UtcMillis::Now() + pause);
        OrthancApi::LogWarning("cannot report the image-quality confirmation of QA test " + given.setId +
                               " to partner " + given.partner + " (attempt " + std::to_string(given.attempts + 1) +
                               "), will retry: " + error);
      }
    }

    void ReportDue()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ImageQualityConfirmationStore store = Store();
      for (const GivenImageQualityConfirmation& given : store.ListDue(UtcMillis::Now(), kMaxAttempts, 20))
      {
        Report(store, given);
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
      Report(store, given);
      store.GetGiven(setId, given);
      return given;
    }
  }
}
