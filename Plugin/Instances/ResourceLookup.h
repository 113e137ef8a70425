// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/value.h>

#include <string>

namespace DicomMail
{
  enum class ResourceLevel
  {
    Patient,
    Study,
    Series,
    Instance
  };

  const char* ToString(ResourceLevel level);

  // Asks Orthanc what an Orthanc id names. Orthanc 1.10 answers
  // GET /{level}/{id} with 200 at the id's own level and 404 at every other
  // one, whereas its child routes (/studies/{series id}/instances) answer
  // 400, 500 or even an empty list: so only the resource routes are asked,
  // and anything but 200 or 404 is an error, never "try the next level".
  class ResourceLookup
  {
  public:
    // Throws Error(BadInput) for a string that is not an Orthanc id,
    // Error(NotFound) naming the id when no level knows it.
    static ResourceLevel Find(const std::string& id, Json::Value& resource);

    static bool IsOrthancId(const std::string& id);
  };
}
