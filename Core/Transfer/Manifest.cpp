// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/Manifest.h"

#include "Core/Common/Error.h"
#include "Core/Transfer/DicomFileName.h"
#include "Core/Transfer/SetId.h"

#include <json/json.h>

#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <sstream>

namespace DicomMail
{
  namespace
  {
    const char* const kSetId = "SetId";
    const char* const kPart = "Part";
    const char* const kTotal = "Total";
    const char* const kSetInstances = "SetInstances";
    const char* const kSetBytes = "SetBytes";
    const char* const kInstances = "Instances";
    const char* const kUid = "SOPInstanceUID";
    const char* const kSha256 = "SHA256";
    const char* const kSize = "Size";
    const char* const kName = "Name";

    [[noreturn]] void Fail(const std::string& message)
    {
      throw Error(ErrorKind::BadInput, "Invalid manifest: " + message);
    }

    const Json::Value& GetMember(const Json::Value& object, const char* key, const std::string& where)
    {
      const Json::Value* value = object.find(key, key + strlen(key));
      if (value == nullptr)
      {
        Fail("missing \"" + std::string(key) + "\"" + where);
      }
      return *value;
    }

    // Only true JSON integers: 5.0 or "5" are refused, so a sender cannot be
    // sloppy about types without being noticed.
    uint64_t GetUnsigned(const Json::Value& object, const char* key, const std::string& where)
    {
      const Json::Value& value = GetMember(object, key, where);
      if (value.type() == Json::intValue)
      {
        if (value.asInt64() < 0)
        {
          Fail("\"" + std::string(key) + "\"" + where + " is negative");
        }
        return static_cast<uint64_t>(value.asInt64());
      }
      if (value.type() == Json::uintValue)
      {
        return value.asUInt64();
      }
      Fail("\"" + std::string(key) + "\"" + where + " is not an integer");
    }

    std::string GetString(const Json::Value& object, const char* key, const std::string& where)
    {
      const Json::Value& value = GetMember(object, key, where);
      if (value.type() != Json::stringValue)
      {
        Fail("\"" + std::string(key) + "\"" + where + " is not a string");
      }
      return value.asString();
    }

    std::string ToLower(std::string s)
    {
      for (char& c : s)
      {
        if (c >= 'A' && c <= 'F')
        {
          c = static_cast<char>(c - 'A' + 'a');
        }
      }
      return s;
    }

    std::string InstanceLabel(size_t index)
    {
      return " in instance " + std::to_string(index);
    }
  }

  bool Manifest::IsValidUid(const std::string& uid)
  {
    if (uid.empty() || uid.size() > 64 || uid.front() == '.' || uid.back() == '.')
    {
      return false;
    }
    char previous = 0;
    for (char c : uid)
    {
      if (!((c >= '0' && c <= '9') || c == '.') ||
          (c == '.' && previous == '.'))
      {
        return false;
      }
      previous = c;
    }
    return true;
  }

  bool Manifest::IsValidSha256(const std::string& hex)
  {
    if (hex.size() != 64)
    {
      return false;
    }
    for (char c : hex)
    {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
      {
        return false;
      }
    }
    return true;
  }

  void Manifest::Validate(const ManifestLimits& limits) const
  {
    if (!SetId::IsValid(setId))
    {
      Fail("\"SetId\" does not match [A-Za-z0-9._-]{1,64}");
    }
    if (total == 0)
    {
      Fail("\"Total\" is 0");
    }
    if (part == 0 || part > total)
    {
      Fail("\"Part\" " + std::to_string(part) + " is outside 1.." + std::to_string(total));
    }
    if (instances.size() > limits.maxInstances)
    {
      throw Error(ErrorKind::LimitExceeded, "Invalid manifest: " + std::to_string(instances.size()) +
                  " instances, more than the allowed " + std::to_string(limits.maxInstances));
    }
    if (instances.size() > setInstances)
    {
      Fail("lists " + std::to_string(instances.size()) + " instances but \"SetInstances\" is " +
           std::to_string(setInstances));
    }

    std::set<std::string> uids;
    std::set<std::string> names;
    uint64_t bytes = 0;
    for (size_t i = 0; i < instances.size(); i++)
    {
      const ManifestInstance& instance = instances[i];
      if (!IsValidUid(instance.sopInstanceUid))
      {
        Fail("\"SOPInstanceUID\"" + InstanceLabel(i) + " is not a UID ([0-9.]{1,64})");
      }
      if (!IsValidSha256(instance.sha256))
      {
        Fail("\"SHA256\"" + InstanceLabel(i) + " is not 64 hexadecimal digits");
      }
      if (!DicomFileName::IsSafeDicomName(instance.name))
      {
        Fail("\"Name\"" + InstanceLabel(i) + " is not 1-8 characters of [A-Z0-9_] plus \".dcm\"");
      }
      if (!uids.insert(instance.sopInstanceUid).second)
      {
        Fail("SOPInstanceUID " + instance.sopInstanceUid + " is listed twice");
      }
      if (!names.insert(instance.name).second)
      {
        Fail("name " + instance.name + " is listed twice");
      }
      if (instance.size > std::numeric_limits<uint64_t>::max() - bytes)
      {
        Fail("the sizes of the instances overflow");
      }
      bytes += instance.size;
    }

    if (bytes > setBytes)
    {
      Fail("the instances add up to " + std::to_string(bytes) + " bytes, more than \"SetBytes\" " +
           std::to_string(setBytes));
    }
  }

  std::string Manifest::ToJson() const
  {
    Validate();

    Json::Value root(Json::objectValue);
    root[kSetId] = setId;
    root[kPart] = part;
    root[kTotal] = total;
    root[kSetInstances] = static_cast<Json::UInt64>(setInstances);
    root[kSetBytes] = static_cast<Json::UInt64>(setBytes);

    Json::Value list(Json::arrayValue);
    for (const ManifestInstance& instance : instances)
    {
      Json::Value item(Json::objectValue);
      item[kUid] = instance.sopInstanceUid;
      item[kSha256] = ToLower(instance.sha256);
      item[kSize] = static_cast<Json::UInt64>(instance.size);
      item[kName] = instance.name;
      list.append(item);
    }
    root[kInstances] = list;

    Json::StreamWriterBuilder builder;
    builder["indentation"] = "";
    return Json::writeString(builder, root);
  }

  Manifest Manifest::Parse(const std::string& json, const ManifestLimits& limits)
  {
    if (json.size() > limits.maxJsonBytes)
    {
      throw Error(ErrorKind::LimitExceeded, "Invalid manifest: " + std::to_string(json.size()) +
                  " bytes, more than the allowed " + std::to_string(limits.maxJsonBytes));
    }

    Json::CharReaderBuilder builder;
    Json::CharReaderBuilder::strictMode(&builder.settings_);
    builder["stackLimit"] = 20;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());

    Json::Value root;
    std::string errors;
    bool parsed = false;
    try
    {
      parsed = reader->parse(json.data(), json.data() + json.size(), &root, &errors);
    }
    catch (const Json::Exception& e)
    {
      // JsonCpp throws rather than reports when the nesting is too deep.
      errors = e.what();
    }
    if (!parsed)
    {
      // JsonCpp's message names the line and column; it holds no secrets.
      while (!errors.empty() && (errors.back() == '\n' || errors.back() == ' '))
      {
        errors.pop_back();
      }
      Fail("not valid JSON: " + errors);
    }
    if (!root.isObject())
    {
      Fail("the top level is not a JSON object");
    }

    Manifest manifest;
    manifest.setId = GetString(root, kSetId, "");

    const uint64_t part = GetUnsigned(root, kPart, "");
    const uint64_t total = GetUnsigned(root, kTotal, "");
    if (part > std::numeric_limits<unsigned int>::max() ||
        total > std::numeric_limits<unsigned int>::max())
    {
      Fail("\"Part\" or \"Total\" is too large");
    }
    manifest.part = static_cast<unsigned int>(part);
    manifest.total = static_cast<unsigned int>(total);
    manifest.setInstances = GetUnsigned(root, kSetInstances, "");
    manifest.setBytes = GetUnsigned(root, kSetBytes, "");

    const Json::Value& list = GetMember(root, kInstances, "");
    if (!list.isArray())
    {
      Fail("\"Instances\" is not an array");
    }
    if (list.size() > limits.maxInstances)
    {
      throw Error(ErrorKind::LimitExceeded, "Invalid manifest: " + std::to_string(list.size()) +
                  " instances, more than the allowed " + std::to_string(limits.maxInstances));
    }

    manifest.instances.reserve(list.size());
    for (Json::ArrayIndex i = 0; i < list.size(); i++)
    {
      const Json::Value& item = list[i];
      const std::string where = InstanceLabel(i);
      if (!item.isObject())
      {
        Fail("instance " + std::to_string(i) + " is not a JSON object");
      }

      ManifestInstance instance;
      instance.sopInstanceUid = GetString(item, kUid, where);
      instance.sha256 = GetString(item, kSha256, where);
      instance.size = GetUnsigned(item, kSize, where);
      instance.name = GetString(item, kName, where);
      if (IsValidSha256(instance.sha256))
      {
        instance.sha256 = ToLower(instance.sha256);
      }
      manifest.instances.push_back(std::move(instance));
    }

    manifest.Validate(limits);
    return manifest;
  }
}
