// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/ImapClaimOwner.h"

#include "Core/Common/Error.h"
#include "Core/Mime/MimeIdentifiers.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace DicomMail
{
  namespace ImapClaimOwner
  {
    std::string Load(const std::string& stateDirectory)
    {
      const std::string path = stateDirectory + "/imap-claim-owner";
      std::string id;
      {
        std::ifstream in(path);
        std::getline(in, id);
      }
      if (id.size() != 32)
      {
        id = MimeIdentifiers::RandomHex(16);
        std::ofstream out(path, std::ios::trunc);
        out << id << "\n";
        if (!out.flush())
        {
          throw Error(ErrorKind::Storage, "cannot write " + path);
        }
      }
      char host[256] = {};
      gethostname(host, sizeof(host) - 1);
      // FNV-1a: short enough for an IMAP keyword, stable across restarts.
      uint64_t hash = 1469598103934665603ULL;
      for (unsigned char c : id + "@" + host)
      {
        hash = (hash ^ c) * 1099511628211ULL;
      }
      char hex[17];
      snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
      return hex;
    }
  }
}
