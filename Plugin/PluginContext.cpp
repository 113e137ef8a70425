// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/PluginContext.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  namespace
  {
    std::unique_ptr<PluginContext> instance_;
  }

  PluginContext::PluginContext(const Configuration& configuration) :
    configuration_(configuration)
  {
    if (configuration_.smtpConfigured)
    {
      statusBoard_.Declare("smtp", "smtp", configuration_.smtp.server.url);
    }
    for (const IncomingAccountSettings& account : configuration_.incoming)
    {
      statusBoard_.Declare(account.name, "incoming", account.server.url);
    }
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

  void PluginContext::SetSiteFingerprint(const std::string& fpr)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    siteFingerprint_ = fpr;
  }
}
