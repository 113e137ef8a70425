// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  struct ResolvedInstance
  {
    std::string orthancId;
    std::string sopInstanceUid;
    std::string studyInstanceUid;
    std::string seriesId;
    int64_t instanceNumber = 0;
    uint64_t fileSize = 0;
    std::string transferSyntax;   // UID; empty if Orthanc does not know it
  };

  // Expands Orthanc ids of patients, studies, series or instances into the
  // list of instances to send, in a stable order (study, series, instance
  // number) so that a plan can be rebuilt identically after a restart.
  class ResourceResolver
  {
  public:
    // Throws Error(BadInput) for an empty list, Error(NotFound) naming the
    // first id that is none of the four levels.
    static std::vector<ResolvedInstance> Resolve(const std::vector<std::string>& ids);
  };
}
