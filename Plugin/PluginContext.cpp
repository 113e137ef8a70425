// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/PluginContext.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Crypto/SiteKeyRenewal.h"
#include "Core/Mime/MailboxFormatter.h"
#include "Core/Partners/PartEncodingChoice.h"
#include "Core/Transfer/TransferSyntax.h"
#include "Plugin/Instances/InstanceTranscoder.h"
#include "Plugin/OrthancApi.h"

#include <ctime>
#include <strings.h>

namespace DicomMail
{
  namespace
  {
    std::unique_ptr<PluginContext> instance_;

    GnupgHome::Options HomeOptions(const Configuration& configuration)
    {
      GnupgHome::Options options;
      options.compressLevel = static_cast<int>(configuration.compressionLevel);
      options.gpgTimeoutSeconds = configuration.gpgTimeout;
      return options;
    }

    MailAccount ToAccount(const MailServerSettings& server)
    {
      MailAccount account;
      account.url = server.url;
      account.user = server.user;
      account.password = server.password;
      account.requireTls = server.requireTls;
      account.caFile = server.caFile;
      account.verifyPeer = server.verifyPeer;
      account.connectTimeoutSeconds = server.connectTimeout;
      account.responseTimeoutSeconds = server.responseTimeout;
      return account;
    }
  }

  PluginContext::PluginContext(const Configuration& configuration) :
    configuration_(configuration),
    node_(NodeIdentity::Start(configuration.nodeName)),
    home_(configuration.gnupgHome, HomeOptions(configuration)),
    database_(OpenDatabase(configuration.database)),
    outbox_(*database_),
    inbox_(*database_),
    routing_(*database_),
    keyComparisons_(*database_),
    partnerStore_(*database_),
    partners_(configuration.partners, partnerStore_, configuration.maxMailSize, configuration.allowLossyTranscoding),
    capabilities_(*database_),
    forwards_(*database_),
    instanceNotes_(*database_),
    pseudonyms_(*database_)
  {
    // Every context of the plugin works on this one home.
    GpgmeLibrary::SetDefaultHome(home_.GetPath());
    inbox_.SetUnauthenticatedMailLimit(configuration_.limits.maxUnauthenticatedRecords);
    if (configuration_.smtpConfigured)
    {
      statusBoard_.Declare(StatusBoard::kSmtpAccount, "smtp", configuration_.smtp.server.url);
    }
    for (const IncomingAccountSettings& account : configuration_.incoming)
    {
      statusBoard_.Declare(account.name, "incoming", account.server.url);
    }
    LoadSiteKey();
  }

  void PluginContext::LoadSiteKey()
  {
    std::unique_ptr<OpenPgpContext> crypto = NewCrypto();
    std::string best;
    int64_t bestCreated = -1;
    for (const KeyInfo& key : crypto->ListKeys(true))
    {
      if (!key.IsUsable() || !key.canSign)
      {
        continue;
      }
      for (const UserIdInfo& uid : key.userIds)
      {
        if (strcasecmp(uid.email.c_str(), configuration_.siteAddress.c_str()) == 0 && key.created >= bestCreated)
        {
          best = key.fingerprint;
          bestCreated = key.created;
        }
      }
    }
    if (best.empty() && configuration_.generateSiteKey && configuration_.HasMailAccount())
    {
      GenerateSiteKey();
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    siteFingerprint_ = best;
  }

  std::string PluginContext::GenerateSiteKey()
  {
    std::unique_ptr<OpenPgpContext> crypto = NewCrypto();
    const std::string userId = MailboxFormatter::FormatUserId(configuration_.siteName, configuration_.siteAddress);
    const std::string fpr = crypto->GenerateSiteKey(userId, configuration_.keyAlgorithm,
                                                    configuration_.ReadPassphrase());
    if (configuration_.siteKey.validityDays != 0)
    {
      crypto->SetExpiry(fpr, SiteKeyRenewal::NewLifetime(configuration_.siteKey.validityDays));
    }
    OrthancApi::LogWarning("created the site key " + fpr + " (" + configuration_.keyAlgorithm + ")");
    std::lock_guard<std::mutex> lock(mutex_);
    siteFingerprint_ = fpr;
    return fpr;
  }

  void PluginContext::RenewSiteKeyIfDue()
  {
    const std::string fpr = GetSiteFingerprint();
    if (fpr.empty() || configuration_.siteKey.validityDays == 0)
    {
      return;
    }
    std::lock_guard<std::mutex> lock(renewalMutex_);
    const int64_t now = static_cast<int64_t>(time(nullptr));
    if (lastRenewalCheck_ != 0 && now - lastRenewalCheck_ < 3600)
    {
      return;
    }
    lastRenewalCheck_ = now;
    try
    {
      std::unique_ptr<OpenPgpContext> crypto = NewCrypto();
      KeyInfo key;
      if (!crypto->FindKeyState(fpr, key) || !SiteKeyRenewal::IsDue(key, now, configuration_.siteKey.renewAheadDays))
      {
        return;
      }
      crypto->SetExpiry(fpr, SiteKeyRenewal::NewLifetime(configuration_.siteKey.validityDays));
      // The renewed key leaves with the next mail and acknowledgement (KeyTravel).
      OrthancApi::LogWarning("renewed the site key " + fpr + " for " +
                             std::to_string(configuration_.siteKey.validityDays) + " days");
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot renew the site key ") + fpr + ": " + e.what());
    }
  }

  std::unique_ptr<OpenPgpContext> PluginContext::NewCrypto() const
  {
    std::unique_ptr<OpenPgpContext> crypto(new OpenPgpContext(home_));
    if (!configuration_.passphraseFile.empty())
    {
      // Read at each use, so a rotated passphrase file needs no restart.
      const Configuration* configuration = &configuration_;
      crypto->SetPassphraseProvider([configuration](const std::string&) {
        return configuration->ReadPassphrase();
      });
    }
    return crypto;
  }

  bool PluginContext::SendsBinaryPartsTo(const PartnerSettings& partner)
  {
    return SendsBinaryParts(configuration_, partner, capabilities_.Get(partner.name));
  }

  void PluginContext::CheckTransferSyntax(const PartnerSettings& partner)
  {
    const std::string& syntax = partner.transferSyntax;
    if (syntax.empty())
    {
      return;
    }
    bool encodable;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto found = encodable_.find(syntax);
      encodable = found != encodable_.end() ? found->second : (encodable_[syntax] = InstanceTranscoder::CanEncode(syntax));
    }
    if (!encodable)
    {
      const std::string hint = TransferSyntax::IsJpeg2000(syntax) ?
        " (JPEG 2000: Orthanc's own DCMTK has no encoder for it; install a transcoder plugin, e.g. Debian's "
        "orthanc-gdcm)" : "";
      throw Error(ErrorKind::Configuration, "partner \"" + partner.name + "\": \"TransferSyntax\" " + syntax +
                  " cannot be encoded by this Orthanc" + hint);
    }
  }

  unsigned int PluginContext::CheckTranscoders()
  {
    unsigned int refused = 0;
    for (const PartnerSettings& partner : partners_.List())
    {
      try
      {
        CheckTransferSyntax(partner);
      }
      catch (const Error& e)
      {
        OrthancApi::LogError(std::string("Invalid configuration: ") + e.what() + "; sending to it is refused");
        refused++;
      }
    }
    return refused;
  }

  MailAccount PluginContext::GetSmtpAccount() const
  {
    if (!configuration_.smtpConfigured)
    {
      throw Error(ErrorKind::Configuration, "no outgoing mail server: set \"DicomMail.Smtp\" in the configuration");
    }
    return ToAccount(configuration_.smtp.server);
  }

  MailAccount PluginContext::GetIncomingAccount(const IncomingAccountSettings& settings) const
  {
    return ToAccount(settings.server);
  }

  void PluginContext::Create(const Configuration& configuration)
  {
    instance_.reset(new PluginContext(configuration));
  }

  void PluginContext::Destroy()
  {
    instance_.reset();
  }

  PluginContext& PluginContext::Get()
  {
    if (!instance_)
    {
      throw Error(ErrorKind::Internal, "the DICOM-Mail plugin is not initialized");
    }
    return *instance_;
  }

  std::string PluginContext::GetSiteFingerprint() const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return siteFingerprint_;
  }
}
