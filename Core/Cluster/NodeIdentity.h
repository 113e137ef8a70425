// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // One node of a site that runs several Orthancs on one database (#18):
  // its configured name, and an incarnation that is new at every start, so
  // that a node restarted under the same name never inherits the claims of
  // the process that died.
  struct NodeIdentity
  {
    std::string name;
    std::string incarnation;

    // "name" with a fresh random incarnation.
    static NodeIdentity Start(const std::string& name);

    // The default node name: host name and Orthanc's HTTP port.
    static std::string DefaultName(unsigned int httpPort);
  };
}
