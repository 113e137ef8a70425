// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Config/ConfigReader.h"

#include "Core/Common/Error.h"

namespace DicomMail
{
  ConfigReader::ConfigReader(const Json::Value& object, const std::string& path) :
    object_(object),
    path_(path)
  {
    if (!object_.isNull() && !object_.isObject())
    {
      throw Error(ErrorKind::Configuration, "Invalid configuration \"" + path + "\": must be a JSON object");
    }
  }

  std::string ConfigReader::KeyPath(const std::string& key) const
  {
    return path_ + "." + key;
  }

  void ConfigReader::Fail(const std::string& key, const std::string& problem) const
  {
    throw Error(ErrorKind::Configuration, "Invalid configuration \"" + KeyPath(key) + "\": " + problem);
  }

  bool ConfigReader::Has(const std::string& key)
  {
    known_.insert(key);
    return object_.isObject() && object_.isMember(key) && !object_[key].isNull();
  }

  std::string ConfigReader::GetString(const std::string& key, const std::string& defaultValue)
  {
    if (!Has(key))
    {
      return defaultValue;
    }
    const Json::Value& v = object_[key];
    if (!v.isString())
    {
      Fail(key, "must be a string");
    }
    return v.asString();
  }

  bool ConfigReader::GetBool(const std::string& key, bool defaultValue)
  {
    if (!Has(key))
    {
      return defaultValue;
    }
    const Json::Value& v = object_[key];
    if (!v.isBool())
    {
      Fail(key, "must be true or false");
    }
    return v.asBool();
  }

  int64_t ConfigReader::GetInteger(const std::string& key, int64_t defaultValue, int64_t min, int64_t max)
  {
    if (!Has(key))
    {
      return defaultValue;
    }
    const Json::Value& v = object_[key];
    if (!v.isIntegral())
    {
      Fail(key, "must be an integer");
    }
    const int64_t value = v.asInt64();
    if (value < min || value > max)
    {
      Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
           " (found " + std::to_string(value) + ")");
    }
    return value;
  }

  std::vector<std::string> ConfigReader::GetStringList(const std::string& key)
  {
    std::vector<std::string> result;
    if (!Has(key))
    {
      return result;
    }
    const Json::Value& v = object_[key];
    if (v.isString())
    {
      result.push_back(v.asString());
      return result;
    }
    if (!v.isArray())
    {
      Fail(key, "must be a string or a list of strings");
    }
    for (Json::ArrayIndex i = 0; i < v.size(); i++)
    {
      if (!v[i].isString())
      {
        Fail(key, "item " + std::to_string(i) + " must be a string");
      }
      result.push_back(v[i].asString());
    }
    return result;
  }

  const Json::Value& ConfigReader::GetRaw(const std::string& key)
  {
    known_.insert(key);
    static const Json::Value null;
    return (object_.isObject() && object_.isMember(key)) ? object_[key] : null;
  }

  void ConfigReader::CheckNoUnknownKeys() const
  {
    if (!object_.isObject())
    {
      return;
    }
    for (const std::string& name : object_.getMemberNames())
    {
      if (known_.count(name) == 0)
      {
        throw Error(ErrorKind::Configuration, "Invalid configuration \"" + KeyPath(name) +
                    "\": unknown key (misspelt?)");
      }
    }
  }
}
