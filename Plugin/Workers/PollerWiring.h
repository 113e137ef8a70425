// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Polling/InboxPoller.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Receiving/OrthancInstanceImporter.h"
#include "Plugin/Receiving/PartnerTrustPolicy.h"

#include <memory>
#include <string>

namespace DicomMail
{
  // What one InboxPoller needs from the plugin, owned for the poller's life:
  // the same wiring for the mailbox workers and for REST retries.
  class PollerWiring
  {
  public:
    PollerWiring(const std::string& account, IPollEvents& events) :
      context_(PluginContext::Get()),
      crypto_(context_.NewCrypto()),
      acknowledgements_(context_.GetInbox().GetDatabase()),
      capabilities_(context_.GetInbox().GetDatabase()),
      trust_(context_.GetPartners())
    {
      dependencies_.account = account;
      dependencies_.configuration = &context_.GetConfiguration();
      dependencies_.siteFingerprint = context_.GetSiteFingerprint();
      dependencies_.inbox = &context_.GetInbox();
      dependencies_.outbox = &context_.GetOutbox();
      dependencies_.acknowledgements = &acknowledgements_;
      dependencies_.capabilities = &capabilities_;
      dependencies_.forwards = &context_.GetForwards();
      dependencies_.rotations = &context_.GetKeyRotationAcceptor();
      dependencies_.crypto = crypto_.get();
      dependencies_.decryptWorkers = context_.GetConfiguration().DecryptWorkers();
      dependencies_.newCrypto = [this] { return context_.NewCrypto(); };
      dependencies_.trust = &trust_;
      dependencies_.importer = &importer_;
      dependencies_.events = &events;
      dependencies_.log = [](const std::string& message) { OrthancApi::LogWarning(message); };
      dependencies_.foundInSpamFolder = [this, account](const std::string& folder, const std::string& setId,
                                                         const std::string& partner) {
        context_.GetStatusBoard().ReportFoundInSpamFolder(account, folder, setId, partner,
                                                          InboxPoller::FoundInNote(folder));
      };
    }

    InboxPoller::Dependencies& GetDependencies()
    {
      return dependencies_;
    }

  private:
    PluginContext& context_;
    std::unique_ptr<OpenPgpContext> crypto_;
    AcknowledgementQueueStore acknowledgements_;
    PartnerCapabilityStore capabilities_;
    PartnerTrustPolicy trust_;
    OrthancInstanceImporter importer_;
    InboxPoller::Dependencies dependencies_;
  };
}
