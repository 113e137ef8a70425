// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <set>
#include <string>

namespace DicomMail
{
  class ConfigReader;

  // "DicomMail.Forwarding": where a gateway hands the transfers it received
  // on to (an Orthanc DicomModalities entry), for the whole site or per
  // partner, once each transfer is complete.
  struct ForwardingSettings
  {
    std::string modality;                             // for every partner; "" = none
    std::map<std::string, std::string> partners;      // partner id -> modality, "" = not forwarded
    bool deleteAfterForward = false;                  // delete what the PACS took from this Orthanc
    unsigned int retryDelay = 30;                     // seconds, doubling after each failure, at most an hour

    // The modality that transfers from "partner" go to, "" for none: the
    // partner's own entry wins over the site's.
    std::string DestinationFor(const std::string& partner) const;

    // Throws Error(Configuration) naming the key of the first modality that
    // is not among "known" (the names of Orthanc's DicomModalities): a typo
    // would otherwise fail every forward, for ever.
    void CheckModalities(const std::set<std::string>& known) const;

    // Reads the "Forwarding" object "reader" stands on; throws
    // Error(Configuration) naming the key at fault.
    static ForwardingSettings Parse(ConfigReader& reader);
  };
}
