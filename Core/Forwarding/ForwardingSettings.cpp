// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Forwarding/ForwardingSettings.h"

#include "Core/Config/ConfigReader.h"

namespace DicomMail
{
  std::string ForwardingSettings::DestinationFor(const std::string& partner) const
  {
    if (partner.empty())
    {
      return "";   // an unknown sender's transfer was never imported
    }
    const auto found = partners.find(partner);
    return found == partners.end() ? modality : found->second;
  }

  ForwardingSettings ForwardingSettings::Parse(ConfigReader& reader)
  {
    ForwardingSettings settings;
    settings.modality = reader.GetString("Modality", "");
    const Json::Value& partners = reader.GetRaw("Partners");
    if (!partners.isNull() && !partners.isObject())
    {
      reader.Fail("Partners", "must be an object of partner id -> DicomModalities entry (\"\" for none)");
    }
    for (const std::string& partner : partners.getMemberNames())
    {
      if (!partners[partner].isString())
      {
        reader.Fail("Partners." + partner, "must be the name of a DicomModalities entry, or \"\" for none");
      }
      settings.partners[partner] = partners[partner].asString();
    }
    settings.deleteAfterForward = reader.GetBool("DeleteAfterForward", settings.deleteAfterForward);
    settings.retryDelay = static_cast<unsigned int>(reader.GetInteger("RetryDelay", settings.retryDelay, 1, 3600));
    reader.CheckNoUnknownKeys();
    return settings;
  }
}
