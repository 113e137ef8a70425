// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/value.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  // Typed, validating access to one JSON object of the configuration. Every
  // getter records the key as known, so that CheckNoUnknownKeys() can name a
  // misspelt key instead of silently ignoring it. Errors carry the full key
  // path ("DicomMail.Smtp.Url") so the log line says exactly what is wrong.
  class ConfigReader
  {
  public:
    ConfigReader(const Json::Value& object, const std::string& path);

    const std::string& GetPath() const
    {
      return path_;
    }

    std::string KeyPath(const std::string& key) const;

    bool Has(const std::string& key);

    std::string GetString(const std::string& key, const std::string& defaultValue);
    bool GetBool(const std::string& key, bool defaultValue);
    int64_t GetInteger(const std::string& key, int64_t defaultValue, int64_t min, int64_t max);
    std::vector<std::string> GetStringList(const std::string& key);

    // For nested objects and arrays; the key is marked as known.
    const Json::Value& GetRaw(const std::string& key);

    // Throws Error(Configuration) naming the first key that no getter asked for.
    void CheckNoUnknownKeys() const;

    [[noreturn]] void Fail(const std::string& key, const std::string& problem) const;

  private:
    const Json::Value& object_;
    std::string path_;
    std::set<std::string> known_;
  };
}
