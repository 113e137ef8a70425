// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/SetHeaderValues.h"

#include "Core/Common/Error.h"
#include "Core/Mime/TextEncoding.h"
#include "Core/Transfer/SetId.h"
#include "Core/Transfer/WireHeaders.h"

namespace DicomMail
{
  namespace
  {
    std::string Excerpt(const std::string& value)
    {
      return "\"" + TextEncoding::SanitizeUtf8(value.substr(0, 40)) + (value.size() > 40 ? "...\"" : "\"");
    }

    // Plain decimal, at most 10 digits (the range check follows).
    unsigned long long ParseNumber(const std::string& name, const std::string& value)
    {
      if (value.empty() || value.size() > 10 || value.find_first_not_of("0123456789") != std::string::npos)
      {
        throw Error(ErrorKind::BadInput, name + " is not a decimal number: " + Excerpt(value));
      }
      return std::stoull(value);
    }
  }

  SetHeaderValues SetHeaderValues::Read(const MimeHeaders& headers, unsigned int maxTotal)
  {
    SetHeaderValues result;
    const bool hasId = headers.Has(WireHeaders::kSetId);
    const bool hasPart = headers.Has(WireHeaders::kSetPart);
    const bool hasTotal = headers.Has(WireHeaders::kSetTotal);
    if (!hasId && !hasPart && !hasTotal)
    {
      return result;
    }
    result.present = true;

    for (const char* name : { WireHeaders::kSetId, WireHeaders::kSetPart, WireHeaders::kSetTotal })
    {
      if (!headers.Has(name))
      {
        throw Error(ErrorKind::BadInput, std::string(name) + " is missing while the other X-TELEMEDICINE-SET* "
                    "headers are present");
      }
      if (headers.GetAll(name).size() > 1)
      {
        throw Error(ErrorKind::BadInput, std::string(name) + " appears more than once");
      }
    }

    result.setId = headers.Get(WireHeaders::kSetId);
    if (!SetId::IsValid(result.setId))
    {
      throw Error(ErrorKind::BadInput, std::string(WireHeaders::kSetId) + " " + Excerpt(result.setId) +
                  " is not a valid set id ([A-Za-z0-9._-]{1,64})");
    }

    const unsigned long long part = ParseNumber(WireHeaders::kSetPart, headers.Get(WireHeaders::kSetPart));
    const unsigned long long total = ParseNumber(WireHeaders::kSetTotal, headers.Get(WireHeaders::kSetTotal));
    if (total == 0)
    {
      throw Error(ErrorKind::BadInput, std::string(WireHeaders::kSetTotal) + " is 0");
    }
    if (total > maxTotal)
    {
      throw Error(ErrorKind::LimitExceeded, std::string(WireHeaders::kSetTotal) + " " + std::to_string(total) +
                  " exceeds the limit of " + std::to_string(maxTotal));
    }
    if (part == 0)
    {
      throw Error(ErrorKind::BadInput, std::string(WireHeaders::kSetPart) + " is 0");
    }
    if (part > total)
    {
      throw Error(ErrorKind::BadInput, std::string(WireHeaders::kSetPart) + " " + std::to_string(part) +
                  " is greater than " + WireHeaders::kSetTotal + " " + std::to_string(total));
    }
    result.part = static_cast<unsigned int>(part);
    result.total = static_cast<unsigned int>(total);
    return result;
  }

  std::string SetHeaderValues::Compare(const SetHeaderValues& inner, const SetHeaderValues& outer)
  {
    if (inner.setId != outer.setId)
    {
      return std::string("inner and outer ") + WireHeaders::kSetId + " differ";
    }
    if (inner.part != outer.part)
    {
      return std::string("inner and outer ") + WireHeaders::kSetPart + " differ";
    }
    if (inner.total != outer.total)
    {
      return std::string("inner and outer ") + WireHeaders::kSetTotal + " differ";
    }
    return "";
  }
}
