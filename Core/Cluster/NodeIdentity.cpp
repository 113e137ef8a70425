// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Cluster/NodeIdentity.h"

#include "Core/Mime/MimeIdentifiers.h"

#include <unistd.h>

namespace DicomMail
{
  NodeIdentity NodeIdentity::Start(const std::string& name)
  {
    NodeIdentity identity;
    identity.name = name;
    identity.incarnation = MimeIdentifiers::RandomHex(8);
    return identity;
  }

  std::string NodeIdentity::DefaultName(unsigned int httpPort)
  {
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0')
    {
      return "localhost:" + std::to_string(httpPort);
    }
    return std::string(host) + ":" + std::to_string(httpPort);
  }
}
