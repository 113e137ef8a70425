// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Instances/ResourceLookup.h"

#include "Core/Common/Error.h"
#include "Plugin/OrthancApi.h"

#include <cctype>

namespace DicomMail
{
  namespace
  {
    struct LevelRoute
    {
      ResourceLevel level;
      const char* route;
      const char* type;   // "Type" of Orthanc's answer
    };

    // Instances are named most often (auto-routing's follow-ups), so first.
    const LevelRoute kRoutes[] =
    {
      { ResourceLevel::Instance, "/instances/", "Instance" },
      { ResourceLevel::Series, "/series/", "Series" },
      { ResourceLevel::Study, "/studies/", "Study" },
      { ResourceLevel::Patient, "/patients/", "Patient" },
    };
  }

  const char* ToString(ResourceLevel level)
  {
    switch (level)
    {
      case ResourceLevel::Patient: return "patient";
      case ResourceLevel::Study: return "study";
      case ResourceLevel::Series: return "series";
      case ResourceLevel::Instance: return "instance";
    }
    return "resource";
  }

  bool ResourceLookup::IsOrthancId(const std::string& id)
  {
    // SHA-1 in five groups of 8 hex digits separated by dashes.
    if (id.size() != 44)
    {
      return false;
    }
    for (size_t i = 0; i < id.size(); i++)
    {
      const bool dash = (i % 9 == 8);
      if (dash ? id[i] != '-' : !isxdigit(static_cast<unsigned char>(id[i])))
      {
        return false;
      }
    }
    return true;
  }

  ResourceLevel ResourceLookup::Find(const std::string& id, Json::Value& resource)
  {
    if (!IsOrthancId(id))
    {
      throw Error(ErrorKind::BadInput, "\"" + id + "\" is not an Orthanc resource id");
    }
    for (const LevelRoute& candidate : kRoutes)
    {
      if (OrthancApi::LookupJson(candidate.route + id, resource))
      {
        if (resource["Type"].asString() != candidate.type)
        {
          throw Error(ErrorKind::Internal, std::string("Orthanc answered GET ") + candidate.route + id +
                      " with a resource of type \"" + resource["Type"].asString() + "\"");
        }
        return candidate.level;
      }
    }
    throw Error(ErrorKind::NotFound, "no patient, study, series or instance with id " + id);
  }
}
