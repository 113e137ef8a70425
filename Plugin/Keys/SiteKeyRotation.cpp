// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Keys/SiteKeyRotation.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/CertifyingAuthorities.h"
#include "Core/Crypto/KeyTravel.h"
#include "Core/Partners/KeyAnnouncementMail.h"
#include "Core/Partners/PartnerKeyCheck.h"
#include "Core/Store/UtcMillis.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Sending/PartnerControlMail.h"

#include <mutex>

namespace DicomMail
{
  namespace SiteKeyRotation
  {
    namespace
    {
      std::mutex mutex_;

      // What the old key vouched for, the new one vouches for too: partner
      // keys it certified locally and the authorities it trusted (a local
      // signature counts only while its maker's secret part is here).
      void TakeOverCertifications(OpenPgpContext& crypto, const std::string& old, const std::string& fresh,
                                  Outcome& outcome)
      {
        const std::shared_ptr<const KeyringState> states = crypto.GetKeyStates();
        for (const PartnerSettings& partner : PluginContext::Get().GetPartners().List())
        {
          const KeyInfo* key = partner.fingerprint.empty() ? nullptr : states->Find(partner.fingerprint);
          if (key == nullptr || !key->CertifiedBy(old))
          {
            continue;
          }
          try
          {
            crypto.CertifyKey(partner.fingerprint, fresh, false);
          }
          catch (const Error& e)
          {
            outcome.problems.push_back("partner \"" + partner.name + "\": " + e.what());
          }
        }
        for (const CertifyingAuthority& authority : states->GetAuthorities())
        {
          try
          {
            crypto.TrustAuthority(authority.fingerprint, authority.domain, fresh);
          }
          catch (const Error& e)
          {
            outcome.problems.push_back("authority " + authority.fingerprint + ": " + e.what());
          }
        }
      }

      // "" when the SMTP server took the announcement, else why not.
      std::string Announce(OpenPgpContext& crypto, const PartnerSettings& partner, const std::string& old,
                           const std::string& fresh, const std::string& keys)
      {
        PluginContext& context = PluginContext::Get();
        const Configuration& config = context.GetConfiguration();
        const PartnerControlMail control = PartnerControlMail::To(partner, old);   // the key the partner trusts
        TempFile file(config.workingDirectory, ".key.eml");
        return control.Send(KeyAnnouncementMail::Compose(old, fresh, keys, control.addressing, control.protection,
                                                         crypto, file.GetPath()));
      }

      void AnnounceToPartners(OpenPgpContext& crypto, const std::string& old, const std::string& fresh,
                              Outcome& outcome)
      {
        PluginContext& context = PluginContext::Get();
        const std::string keys = KeyTravel::ExportOwnKey(crypto, old) + KeyTravel::ExportOwnKey(crypto, fresh);
        for (const PartnerSettings& partner : context.GetPartners().List())
        {
          std::string problem;
          const PartnerKeyState state = CheckPartnerKey(crypto, partner, old);
          if (!state.usable)
          {
            problem = state.reason;
          }
          else if (partner.addresses.empty())
          {
            problem = "no address";
          }
          else
          {
            try
            {
              problem = Announce(crypto, partner, old, fresh, keys);
            }
            catch (const std::exception& e)
            {
              problem = e.what();
            }
          }
          if (problem.empty())
          {
            outcome.announced.push_back(partner.name);
          }
          else
          {
            outcome.notAnnounced.push_back(std::make_pair(partner.name, problem));
          }
        }
      }
    }

    Outcome Rotate()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      PluginContext& context = PluginContext::Get();
      Outcome outcome;
      outcome.previousFingerprint = context.GetSiteFingerprint();
      if (outcome.previousFingerprint.empty())
      {
        throw Error(ErrorKind::NotFound, "the site has no key to rotate: POST /dicom-mail/keys/site/generate");
      }
      const std::string& old = outcome.previousFingerprint;
      std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
      outcome.fingerprint = context.CreateSiteKey();
      const std::string& fresh = outcome.fingerprint;
      // Exportable: the certification travels with the new key to partners.
      crypto->CertifyKey(fresh, old, true);
      TakeOverCertifications(*crypto, old, fresh, outcome);
      // The other nodes (#18) take the new key, its certification and the
      // certifications it took over before they see the rotation's record.
      std::vector<std::string> changed;
      for (const KeyInfo& key : crypto->ListKeys(false))
      {
        changed.push_back(key.fingerprint);
      }
      context.PublishKeys(changed);
      AnnounceToPartners(*crypto, old, fresh, outcome);

      const int64_t now = UtcMillis::Now();
      KeyRotation rotation;
      rotation.owner = KeyRotationStore::kSite;
      rotation.oldFingerprint = old;
      rotation.newFingerprint = fresh;
      rotation.rotatedMs = now;
      rotation.untilMs = now + static_cast<int64_t>(context.GetConfiguration().siteKey.previousKeySeconds) * 1000;
      context.GetKeyRotations().Record(rotation);
      outcome.previousUntilMs = rotation.untilMs;
      // Announced first, so a partner knows the new key before our first
      // mail signed by it.
      context.UseSiteKey(fresh);
      OrthancApi::LogWarning("rotated the site key " + old + " to " + fresh + ": announced to " +
                             std::to_string(outcome.announced.size()) + " partner(s), not to " +
                             std::to_string(outcome.notAnnounced.size()) + "; the old key decrypts until " +
                             UtcMillis::Format(rotation.untilMs));
      return outcome;
    }

    void RetireDue()
    {
      try
      {
        PluginContext& context = PluginContext::Get();
        // Every past rotation, not only the unretired ones: on several nodes
        // (#18) the first node marks a rotation retired, and each other node
        // still deletes its own copy of the old secret part here.
        const int64_t now = UtcMillis::Now();
        std::vector<KeyRotation> due;
        for (const KeyRotation& rotation : context.GetKeyRotations().List(KeyRotationStore::kSite))
        {
          if (rotation.untilMs <= now)
          {
            due.push_back(rotation);
          }
        }
        if (due.empty())
        {
          return;
        }
        // Called by every mailbox's worker after each poll: a rotation in
        // progress (announcing to every partner takes minutes in a network)
        // or another worker's retirement is not waited for, or every
        // mailbox would stop being polled meanwhile (#25). The next poll
        // retires what is left.
        std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
        if (!lock.owns_lock())
        {
          return;
        }
        std::unique_ptr<OpenPgpContext> crypto = context.NewCrypto();
        for (const KeyRotation& rotation : due)
        {
          KeyInfo key;
          const bool deleted = crypto->FindKeyState(rotation.oldFingerprint, key) && key.hasSecret &&
                               rotation.oldFingerprint != context.GetSiteFingerprint();
          if (deleted)
          {
            crypto->DeleteSecretKeyOnly(rotation.oldFingerprint);
            context.PublishKeys({ rotation.oldFingerprint });
          }
          if (rotation.retiredMs == 0)
          {
            context.GetKeyRotations().MarkRetired(rotation.oldFingerprint, UtcMillis::Now());
          }
          if (deleted || rotation.retiredMs == 0)
          {
            OrthancApi::LogWarning("retired the previous site key " + rotation.oldFingerprint +
                                   ": its secret part is deleted; mail still encrypted to it is refused");
          }
        }
      }
      catch (const std::exception& e)
      {
        OrthancApi::LogError(std::string("cannot retire a previous site key: ") + e.what());
      }
    }
  }
}
