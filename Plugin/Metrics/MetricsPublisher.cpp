// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Metrics/MetricsPublisher.h"

#include "Core/Metrics/MetricsCollector.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"

#include <orthanc/OrthancCPlugin.h>

#include <ctime>
#include <mutex>
#include <set>

namespace DicomMail
{
  namespace MetricsPublisher
  {
    namespace
    {
      // Listing keys runs gpg: done at most this often, not at every scrape.
      const int64_t kKeyListSeconds = 300;

      std::mutex mutex_;
      int64_t startedAt_ = 0;
      int64_t keysListedAt_ = 0;
      std::vector<KeyInfo> keysInUse_;

      // The site key and the partners' keys; old keys in the keyring that
      // no partner uses any more do not count.
      std::vector<KeyInfo> ListKeysInUse(PluginContext& context)
      {
        std::set<std::string> fingerprints = {context.GetSiteFingerprint()};
        for (const PartnerSettings& partner : context.GetPartners().List())
        {
          fingerprints.insert(partner.fingerprint);
        }
        std::vector<KeyInfo> result;
        for (const KeyInfo& key : context.NewCrypto()->ListKeys(false))
        {
          if (fingerprints.count(key.fingerprint) > 0)
          {
            result.push_back(key);
          }
        }
        return result;
      }

      void Refresh()
      {
        try
        {
          PluginContext& context = PluginContext::Get();
          const int64_t now = time(nullptr);
          std::lock_guard<std::mutex> lock(mutex_);   // one scrape at a time
          if (keysListedAt_ == 0 || now - keysListedAt_ >= kKeyListSeconds)
          {
            keysInUse_ = ListKeysInUse(context);
            keysListedAt_ = now;
          }
          const MetricsCollector collector(context.GetInbox().GetDatabase(), context.GetStatusBoard(), startedAt_);
          for (const Metric& metric : collector.Collect(keysInUse_, now))
          {
            OrthancPluginSetMetricsValue(OrthancApi::GetContext(), metric.name.c_str(),
                                         static_cast<float>(metric.value), OrthancPluginMetricsType_Default);
          }
        }
        catch (const std::exception& e)
        {
          // A scrape must never take Orthanc down; the old values stay.
          OrthancApi::LogError(std::string("metrics: ") + e.what());
        }
      }
    }

    void Register()
    {
      startedAt_ = time(nullptr);
      OrthancPluginRegisterRefreshMetricsCallback(OrthancApi::GetContext(), Refresh);
    }
  }
}
