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
    std::string seriesId;
    int64_t instanceNumber = 0;
    uint64_t fileSize = 0;
    std::string transferSyntax;   // UID; empty if Orthanc does not know it
  };

  // The instances of one study that a request selected.
  struct ResolvedStudy
  {
    std::string orthancId;
    std::string studyInstanceUid;
    std::vector<ResolvedInstance> instances;   // series, then instance number
  };

  // Expands Orthanc ids of patients, studies, series or instances into the
  // instances to send, grouped by study, so that a transfer spanning several
  // studies (a patient) carries them one after the other. Each instance
  // appears once, however often the request names it
  // (an instance twice, a series inside a named study). Groups follow the
  // order in which the request first names them; inside a group the order is
  // stable (series, instance number) so that a plan can be rebuilt identically
  // after a restart.
  class ResourceResolver
  {
  public:
    // Throws Error(BadInput) for an empty list or a malformed id,
    // Error(NotFound) naming the first id that Orthanc does not know.
    static std::vector<ResolvedStudy> Resolve(const std::vector<std::string>& ids);
  };
}
