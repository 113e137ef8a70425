// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Http/TransferFilterArguments.h"

#include "Core/Common/Error.h"
#include "Core/Store/UtcTime.h"

#include <regex>

namespace DicomMail
{
  namespace
  {
    // Ids are ASCII words; anything else in a filter is a typing error or an
    // attempt to smuggle text into an error message.
    const size_t kMaxLength = 200;

    std::string Word(const std::string& name, const std::string& value)
    {
      static const std::regex word("[A-Za-z0-9._@+-]*");
      if (value.size() > kMaxLength || !std::regex_match(value, word))
      {
        throw Error(ErrorKind::BadInput, "Invalid value of the argument \"" + name + "\": expected letters, "
                    "digits, '.', '_', '-', '@' or '+', at most " + std::to_string(kMaxLength) + " characters");
      }
      return value;
    }

    std::string Time(const std::string& name, const std::string& value, const char* timeOfDay)
    {
      static const std::regex day("\\d{4}-\\d{2}-\\d{2}");
      if (value.empty())
      {
        return value;
      }
      const std::string instant = std::regex_match(value, day) ? value + timeOfDay : value;
      if (!UtcTime::IsValid(instant))
      {
        throw Error(ErrorKind::BadInput, "Invalid value of the argument \"" + name + "\": expected a day "
                    "(2026-12-07) or a UTC time (2026-12-07T05:00:00Z)");
      }
      return instant;
    }
  }

  TransferFilter ParseTransferFilter(const std::function<std::string(const std::string&)>& argument,
                                     const std::set<std::string>& states)
  {
    TransferFilter filter;
    filter.partner = Word("partner", argument("partner"));
    filter.state = Word("state", argument("state"));
    if (!filter.state.empty() && states.count(filter.state) == 0)
    {
      std::string known;
      for (const std::string& s : states)
      {
        known += (known.empty() ? "" : ", ") + s;
      }
      throw Error(ErrorKind::BadInput, "Invalid value of the argument \"state\": \"" + filter.state +
                  "\" is none of " + known);
    }
    filter.from = Time("from", argument("from"), "T00:00:00Z");
    filter.to = Time("to", argument("to"), "T23:59:59Z");
    filter.setIdPrefix = Word("setid", argument("setid"));
    const std::string qa = argument("qa");
    if (qa == "include")
    {
      filter.qaTests = TransferFilter::QaTests::Include;
    }
    else if (qa == "only")
    {
      filter.qaTests = TransferFilter::QaTests::Only;
    }
    else if (!qa.empty() && qa != "exclude")
    {
      throw Error(ErrorKind::BadInput, "Invalid value of the argument \"qa\": \"" + qa.substr(0, 40) +
                  "\" (exclude, include or only)");
    }
    return filter;
  }
}
