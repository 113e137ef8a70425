// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/StatusBoard.h"
#include "Core/Config/Configuration.h"

#include <memory>
#include <mutex>
#include <string>

namespace DicomMail
{
  // Everything the plugin holds at run time, built from the parsed
  // configuration in OrthancPluginInitialize and destroyed in Finalize.
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

    StatusBoard& GetStatusBoard()
    {
      return statusBoard_;
    }

    // Fingerprint of the site key, or empty when there is none yet.
    std::string GetSiteFingerprint() const;
    void SetSiteFingerprint(const std::string& fpr);

  private:
    explicit PluginContext(const Configuration& configuration);

    Configuration configuration_;
    StatusBoard statusBoard_;
    mutable std::mutex mutex_;
    std::string siteFingerprint_;
  };
}
