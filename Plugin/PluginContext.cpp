// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/PluginContext.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Crypto/SiteKeyRenewal.h"
#include "Core/Mime/MailboxFormatter.h"
#include "Core/Partners/PartEncodingChoice.h"
#include "Core/Transfer/TransferSyntax.h"
#include "Plugin/Instances/InstanceTranscoder.h"
#include "Plugin/Keys/SiteKeyRotation.h"
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
    rotations_(*database_),
    partners_(configuration.partners, partnerStore_, configuration.maxMailSize, configuration.allowLossyTranscoding),
    rotationAcceptor_(partners_, rotations_, [this] { return GetSiteFingerprint(); },
                      configuration.siteKey.previousKeySeconds),
    capabilities_(*database_),
    forwards_(*database_),
    instanceNotes_(*database_),
    pseudonyms_(*database_)
  {
    // Every context of the plugin works on this one home.
    GpgmeLibrary::SetDefaultHome(home_.GetPath());
    partners_.SetRotations(&rotations_);
    inbox_.SetUnauthenticatedMailLimit(configuration_.limits.maxUnauthenticatedRecords);
    if (configuration_.smtpConfigured)
    {
      statusBoard_.Declare(StatusBoard::kSmtpAccount, "smtp", configuration_.smtp.server.url);
    }
    for (const IncomingAccountSettings& account : configuration_.incoming)
    {
      statusBoard_.Declare(account.name, "incoming", account.server.url);
    }
    JoinSharedKeys();
  }

  void PluginContext::JoinSharedKeys()
  {
    if (!configuration_.keySync)
    {
      LoadSiteKey();
      return;
    }
    keyMaterial_.reset(new KeyMaterialStore(*database_));
    const Configuration* configuration = &configuration_;
    keySync_.reset(new KeyMaterialSync(home_, *keyMaterial_, [configuration](const std::string&) {
      return configuration->ReadPassphrase();
    }));
    try
    {
      // Another node's site key first, so that this one does not make its own.
      keySync_->Follow();
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot take the shared keys in at start-up: ") + e.what());
    }
    LoadSiteKey();
    try
    {
      if (keyMaterial_->GetGeneration() == 0)
      {
        keySync_->PublishAll();   // the first node brings its keys in
      }
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot share this node's keys: ") + e.what());
    }
  }

  void PluginContext::PublishKeys(const std::vector<std::string>& fingerprints)
  {
    if (!keySync_ || fingerprints.empty())
    {
      return;
    }
    try
    {
      keySync_->Publish(fingerprints);
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot share a key change with the other nodes: ") + e.what());
    }
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
    const std::string fpr = CreateSiteKey();
    UseSiteKey(fpr);
    return fpr;
  }

  std::string PluginContext::CreateSiteKey()
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
    PublishKeys({ fpr });
    return fpr;
  }

  void PluginContext::AdoptRotatedSiteKey()
  {
    try
    {
      std::string current = GetSiteFingerprint();
      const std::string before = current;
      std::unique_ptr<OpenPgpContext> crypto = NewCrypto();
      for (const KeyRotation& rotation : rotations_.List(KeyRotationStore::kSite))   // oldest first: follows a chain
      {
        KeyInfo key;
        if (rotation.oldFingerprint == current && crypto->FindKeyState(rotation.newFingerprint, key) &&
            key.hasSecret)
        {
          current = rotation.newFingerprint;
        }
      }
      if (current != before)
      {
        UseSiteKey(current);
        OrthancApi::LogWarning("signing with the site key " + current + ", rotated on another node");
      }
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot look for a site key rotated on another node: ") + e.what());
    }
  }

  void PluginContext::RenewSiteKeyIfDue()
  {
    SiteKeyRotation::RetireDue();   // a rotation's overlap is measured in seconds in tests
    const std::string fpr = GetSiteFingerprint();
    if (fpr.empty() || configuration_.siteKey.validityDays == 0)
    {
      return;
    }
    // Mailbox workers call this after each poll: one checks, the others go
    // on polling instead of waiting for it (#25).
    std::unique_lock<std::mutex> lock(renewalMutex_, std::try_to_lock);
    if (!lock.owns_lock())
    {
      return;
    }
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
      PublishKeys({ fpr });
      // The renewed key leaves with the next mail and acknowledgement (KeyTravel).
      OrthancApi::LogWarning("renewed the site key " + fpr + " for " +
                             std::to_string(configuration_.siteKey.validityDays) + " days");
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot renew the site key ") + fpr + ": " + e.what());
    }
  }

  void PluginContext::UseSiteKey(const std::string& fingerprint)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    siteFingerprint_ = fingerprint;
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
