// SPDX-License-Identifier: GPL-3.0-or-later
// Entry points of the DICOM-Mail plugin for Orthanc.

#include "Core/Cluster/NodeIdentity.h"
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Crypto/GpgEngineWrapper.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Transport/CurlGlobal.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/Jobs/SendJob.h"
#include "Plugin/Metrics/MetricsPublisher.h"
#include "Plugin/PluginContext.h"
#include "Plugin/Rest/Routes.h"
#include "Plugin/Routing/AutoRouting.h"
#include "Plugin/Workers/Workers.h"

#include <orthanc/OrthancCPlugin.h>

#include <set>
#include <string>
#include <vector>

namespace
{
  const char* const kPluginName = "dicom-mail";
  const char* const kDescription =
    "Sends studies as OpenPGP-encrypted, signed e-mail (DICOM-E-Mail, PGP/MIME) and imports received ones.";

  using namespace DicomMail;

  Configuration ReadConfiguration()
  {
    OrthancApi::OrthancString text(OrthancPluginGetConfiguration(OrthancApi::GetContext()));
    if (text.IsNull())
    {
      throw Error(ErrorKind::Configuration, "cannot read the Orthanc configuration");
    }
    const Json::Value full = OrthancApi::ParseJson(text.ToString());
    Configuration config = Configuration::Parse(full.isMember("DicomMail") ? full["DicomMail"] : Json::Value());
    if (config.nodeName.empty())
    {
      config.nodeName = NodeIdentity::DefaultName(full.isMember("HttpPort") ? full["HttpPort"].asUInt() : 8042);
    }
    // Modalities kept in Orthanc's database may be added over REST later:
    // only entries of the file can be checked now.
    if (!full["DicomModalitiesInDatabase"].asBool())
    {
      const Json::Value& modalities = full["DicomModalities"];
      const std::vector<std::string> names = modalities.isObject() ? modalities.getMemberNames() :
        std::vector<std::string>();
      config.forwarding.CheckModalities(std::set<std::string>(names.begin(), names.end()));
    }
    return config;
  }

  // Runs on Orthanc's single change thread: never block it. Only the start
  // and stop of the workers happen here; everything else is queued.
  OrthancPluginErrorCode OnChange(OrthancPluginChangeType changeType, OrthancPluginResourceType, const char* resourceId)
  {
    try
    {
      switch (changeType)
      {
        case OrthancPluginChangeType_OrthancStarted:
          // Only now are the other plugins' transcoders registered.
          PluginContext::Get().CheckTranscoders();
          Workers::Start();
          AutoRouting::Start();
          break;
        case OrthancPluginChangeType_OrthancStopped:
          AutoRouting::Stop();
          Workers::Stop();
          break;
        case OrthancPluginChangeType_StableStudy:
        case OrthancPluginChangeType_StableSeries:
          AutoRouting::Enqueue(changeType, resourceId);   // only queues
          break;
        default:
          break;
      }
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("change callback: ") + e.what());
    }
    return OrthancPluginErrorCode_Success;
  }

  void PrepareDirectories(const Configuration& config)
  {
    Files::MakeDirectories(config.stateDirectory, 0700);
    Files::MakeDirectories(config.workingDirectory, 0700);
    const unsigned int removed = Files::RemoveLeftovers(config.workingDirectory, "dm-");
    if (removed > 0)
    {
      OrthancApi::LogWarning("removed " + std::to_string(removed) +
                             " temporary files left over by an earlier run in " + config.workingDirectory);
    }
    if (Files::Exists(config.gnupgHome))
    {
      Files::RemoveLeftovers(config.gnupgHome, GpgEngineWrapper::kFilePrefix);
    }
  }
}

extern "C"
{
  ORTHANC_PLUGINS_API int32_t OrthancPluginInitialize(OrthancPluginContext* context)
  {
    OrthancApi::SetContext(context);
    if (OrthancPluginCheckVersion(context) == 0)
    {
      OrthancApi::LogError("this plugin needs Orthanc 1.10.1 or later");
      return -1;
    }
    OrthancPluginSetDescription(context, kDescription);

    try
    {
      const Configuration config = ReadConfiguration();
      AutoRouting::Configure(config.autoRouting);   // an invalid rule stops start-up
      // Both libraries want their global set-up before any thread uses them.
      GpgmeLibrary::Initialize();
      CurlGlobal::Initialize();
      PrepareDirectories(config);
      PluginContext::Create(config);
      RegisterRoutes();
      MetricsPublisher::Register();
      OrthancPluginRegisterJobsUnserializer(context, SendJob::Unserialize);
      OrthancPluginRegisterOnChangeCallback(context, OnChange);
      if (config.HasMailAccount())
      {
        OrthancApi::LogWarning(std::string("plugin ") + DICOM_MAIL_VERSION + " started for " + config.siteAddress);
      }
      else
      {
        OrthancApi::LogWarning(std::string("plugin ") + DICOM_MAIL_VERSION + " is inactive: no mail account "
                               "(set \"DicomMail.Smtp\" and \"DicomMail.Incoming\", with the Debian package in "
                               "/etc/orthanc/dicom-mail.json)");
      }
      return 0;
    }
    catch (const Error& e)
    {
      // One line naming the key and the problem; the plugin refuses to start.
      OrthancApi::LogError(e.what());
      PluginContext::Destroy();
      return -1;
    }
    catch (const std::exception& e)
    {
      OrthancApi::LogError(std::string("cannot start: ") + e.what());
      PluginContext::Destroy();
      return -1;
    }
  }

  ORTHANC_PLUGINS_API void OrthancPluginFinalize()
  {
    AutoRouting::Stop();
    Workers::Stop();
    PluginContext::Destroy();
  }

  ORTHANC_PLUGINS_API const char* OrthancPluginGetName()
  {
    return kPluginName;
  }

  ORTHANC_PLUGINS_API const char* OrthancPluginGetVersion()
  {
    return DICOM_MAIL_VERSION;
  }
}
