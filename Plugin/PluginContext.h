// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Cluster/NodeIdentity.h"
#include "Core/Common/StatusBoard.h"
#include "Core/Config/Configuration.h"
#include "Core/Crypto/GnupgHome.h"
#include "Core/Crypto/KeyMaterialSync.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Partners/KeyRotationAcceptor.h"
#include "Core/Partners/PartnerDirectory.h"
#include "Core/Store/ForwardStore.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/InstanceNoteStore.h"
#include "Core/Store/KeyComparisonStore.h"
#include "Core/Store/KeyRotationStore.h"
#include "Core/Store/OpenDatabase.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/PartnerCapabilityStore.h"
#include "Core/Store/PartnerStore.h"
#include "Core/Store/PseudonymStore.h"
#include "Core/Store/RoutingStore.h"
#include "Core/Transport/MailAccount.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace DicomMail
{
  // Everything the plugin holds at run time, built from the parsed
  // configuration in OrthancPluginInitialize and destroyed in Finalize (which
  // also stops the GnuPG home's agent).
  class PluginContext
  {
  public:
    static void Create(const Configuration& configuration);
    static void Destroy();
    static PluginContext& Get();   // throws if the plugin is not initialized

    const Configuration& GetConfiguration() const
    {
      return configuration_;
    }

    // This Orthanc among the nodes sharing the database (#18).
    const NodeIdentity& GetNode() const
    {
      return node_;
    }

    StatusBoard& GetStatusBoard()
    {
      return statusBoard_;
    }

    // A fresh OpenPGP context on the site's home (one per operation or
    // thread), with the site key's passphrase provider when there is one.
    std::unique_ptr<OpenPgpContext> NewCrypto() const;

    // Fingerprint of the site key, or empty when there is none yet.
    std::string GetSiteFingerprint() const;

    // After a local change of these keys: shares their new state with the
    // other nodes (KeySync, #18). Nothing when the sync is off; never
    // throws (the local change stands, a failure is logged and the key's
    // next change publishes it again).
    void PublishKeys(const std::vector<std::string>& fingerprints);

    // The sync of the home with the shared keys, nullptr when off.
    KeyMaterialSync* GetKeySync()
    {
      return keySync_.get();
    }

    // Creates the site key (replacing the fingerprint in use); returns it.
    // It expires after SiteKey.ValidityDays.
    std::string GenerateSiteKey();

    // Creates a site key like GenerateSiteKey but keeps signing with the
    // one in use (a rotation announces it first, #22).
    std::string CreateSiteKey();

    // Moves the site key's expiry out when SiteKey.RenewAheadDays is
    // reached (#22); looks at most once an hour, never throws, never waits
    // for another thread that is looking (#25).
    void RenewSiteKeyIfDue();

    // From now on sign with "fingerprint" (a rotated site key, #22).
    void UseSiteKey(const std::string& fingerprint);

    // Signs with the key another node rotated ours to (#18, #22), once its
    // secret part is here; never throws.
    void AdoptRotatedSiteKey();

    // Our and our partners' key rotations (#22).
    KeyRotationStore& GetKeyRotations()
    {
      return rotations_;
    }

    KeyRotationAcceptor& GetKeyRotationAcceptor()
    {
      return rotationAcceptor_;
    }

    OutboxStore& GetOutbox()
    {
      return outbox_;
    }

    InboxStore& GetInbox()
    {
      return inbox_;
    }

    RoutingStore& GetRouting()
    {
      return routing_;
    }

    KeyComparisonStore& GetKeyComparisons()
    {
      return keyComparisons_;
    }

    PartnerDirectory& GetPartners()
    {
      return partners_;
    }

    PseudonymStore& GetPseudonyms()
    {
      return pseudonyms_;
    }

    InstanceNoteStore& GetInstanceNotes()
    {
      return instanceNotes_;
    }

    // Throws Error(Configuration) when the partner's TransferSyntax is one
    // this Orthanc cannot encode (JPEG 2000 without a transcoder plugin).
    void CheckTransferSyntax(const PartnerSettings& partner);

    // At Orthanc's start, once every plugin is loaded: tries the JPEG 2000
    // encoder when a partner asks for it, and logs an error for each such
    // partner when there is none. Returns the number of partners refused.
    unsigned int CheckTranscoders();

    PartnerCapabilityStore& GetCapabilities()
    {
      return capabilities_;
    }

    ForwardStore& GetForwards()
    {
      return forwards_;
    }

    // The part encoding for this partner now (PartEncodingChoice).
    bool SendsBinaryPartsTo(const PartnerSettings& partner);

    MailAccount GetSmtpAccount() const;
    MailAccount GetIncomingAccount(const IncomingAccountSettings& settings) const;

  private:
    explicit PluginContext(const Configuration& configuration);

    void LoadSiteKey();
    void JoinSharedKeys();

    Configuration configuration_;
    NodeIdentity node_;   // a new incarnation at every start
    StatusBoard statusBoard_;
    GnupgHome home_;
    std::unique_ptr<Database> database_;
    OutboxStore outbox_;
    InboxStore inbox_;
    RoutingStore routing_;
    KeyComparisonStore keyComparisons_;
    PartnerStore partnerStore_;
    KeyRotationStore rotations_;
    PartnerDirectory partners_;
    KeyRotationAcceptor rotationAcceptor_;
    PartnerCapabilityStore capabilities_;
    ForwardStore forwards_;
    InstanceNoteStore instanceNotes_;
    PseudonymStore pseudonyms_;
    std::unique_ptr<KeyMaterialStore> keyMaterial_;   // with KeySync only
    std::unique_ptr<KeyMaterialSync> keySync_;
    std::map<std::string, bool> encodable_;   // transfer syntax -> Orthanc can encode it (probed once)
    mutable std::mutex mutex_;
    std::string siteFingerprint_;
    std::mutex renewalMutex_;
    int64_t lastRenewalCheck_ = 0;
  };
}
