// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Sending/SendingNode.h"

#include "Plugin/OrthancApi.h"

#include <ctime>
#include <unistd.h>

namespace DicomMail
{
  namespace SendingNode
  {
    namespace
    {
      std::string ReadName()
      {
        char host[256] = {};
        gethostname(host, sizeof(host) - 1);
        unsigned int port = 8042;   // Orthanc's default
        try
        {
          OrthancApi::OrthancString text(OrthancPluginGetConfiguration(OrthancApi::GetContext()));
          const Json::Value config = OrthancApi::ParseJson(text.ToString());
          port = config.get("HttpPort", port).asUInt();
        }
        catch (const std::exception& e)
        {
          OrthancApi::LogWarning(std::string("cannot read Orthanc's HTTP port for the node name: ") + e.what());
        }
        return std::string(host) + ":" + std::to_string(port);
      }
    }

    const std::string& Name()
    {
      static const std::string name = ReadName();
      return name;
    }

    ClaimTerms Terms(int64_t leaseSeconds)
    {
      return ClaimTerms::For(Name(), static_cast<int64_t>(time(nullptr)), leaseSeconds);
    }
  }
}
