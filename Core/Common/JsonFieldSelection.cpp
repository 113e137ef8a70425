// SPDX-License-Identifier: GPL-3.0-or-later
#include "JsonFieldSelection.h"

#include "Error.h"
#include "Trim.h"

#include <algorithm>

namespace DicomMail
{
  JsonFieldSelection::JsonFieldSelection(const std::string& argument)
  {
    if (Trim(argument).empty())
    {
      return;
    }
    std::string::size_type start = 0;
    for (;;)
    {
      const std::string::size_type comma = argument.find(',', start);
      const std::string name = Trim(argument.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (name.empty())
      {
        throw Error(ErrorKind::BadInput, "the argument \"fields\" has an empty name: \"" + argument + "\"");
      }
      if (std::find(fields_.begin(), fields_.end(), name) != fields_.end())
      {
        throw Error(ErrorKind::BadInput, "the argument \"fields\" names \"" + name + "\" twice");
      }
      fields_.push_back(name);
      if (comma == std::string::npos)
      {
        break;
      }
      start = comma + 1;
    }
  }

  Json::Value JsonFieldSelection::Apply(const Json::Value& object) const
  {
    if (fields_.empty())
    {
      return object;
    }
    Json::Value result = Json::objectValue;
    for (const std::string& name : fields_)
    {
      if (!object.isObject() || !object.isMember(name))
      {
        throw Error(ErrorKind::BadInput, "the argument \"fields\" names \"" + name + "\", which is not a member here");
      }
      result[name] = object[name];
    }
    return result;
  }
}
