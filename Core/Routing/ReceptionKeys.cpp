// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Routing/ReceptionKeys.h"

namespace DicomMail
{
  namespace ReceptionKeys
  {
    bool IsReceptionKey(const std::string& key)
    {
      return key == "CalledAET" || key == "RemoteAET";
    }

    std::set<std::string> Select(const std::set<std::string>& keys)
    {
      std::set<std::string> result;
      for (const std::string& key : keys)
      {
        if (IsReceptionKey(key))
        {
          result.insert(key);
        }
      }
      return result;
    }
  }
}
