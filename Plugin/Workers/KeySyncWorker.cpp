// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Workers/KeySyncWorker.h"

#include "Core/Crypto/KeyMaterialSync.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"

#include <chrono>

namespace DicomMail
{
  KeySyncWorker::KeySyncWorker(KeyMaterialSync& sync) :
    sync_(sync)
  {
  }

  KeySyncWorker::~KeySyncWorker()
  {
    Stop();
  }

  void KeySyncWorker::Start()
  {
    thread_.Start([this] { Run(); });
  }

  void KeySyncWorker::Stop()
  {
    thread_.Stop();
  }

  void KeySyncWorker::Run()
  {
    const std::chrono::seconds period(PluginContext::Get().GetConfiguration().keySyncInterval);
    for (;;)
    {
      try
      {
        const size_t applied = sync_.Follow();
        if (applied > 0)
        {
          OrthancApi::LogInfo("took " + std::to_string(applied) + " key change(s) of other nodes in");
        }
        // Every pass, not only after new keys: the rotation's record may
        // land after the keys it names.
        PluginContext::Get().AdoptRotatedSiteKey();
      }
      catch (const std::exception& e)
      {
        // Tried again at the next pass: the generation moves only on success.
        OrthancApi::LogError(std::string("cannot follow the shared keys: ") + e.what());
      }
      if (thread_.Sleep(period))
      {
        break;
      }
    }
  }
}
