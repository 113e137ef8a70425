// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Forwarding/ForwardingSettings.h"

#include "Core/Common/Error.h"
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

  void ForwardingSettings::CheckModalities(const std::set<std::string>& known) const
  {
    const auto check = [&known](const std::string& key, const std::string& name)
    {
      if (!name.empty() && known.count(name) == 0)
      {
        throw Error(ErrorKind::Configuration, "Invalid configuration \"DicomMail.Forwarding." + key +
                    "\": Orthanc has no DicomModalities entry \"" + name + "\"");
      }
    };
    check("Modality", modality);
    for (const auto& partner : partners)
    {
      check("Partners." + partner.first, partner.second);
    }
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
