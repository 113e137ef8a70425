// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/value.h>

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Typed reading of what a REST request carries (query arguments, fields of
  // a JSON body). A value of the wrong type throws Error(BadInput) naming the
  // argument and the value, so a caller answers 400, never 500.
  namespace RequestValues
  {
    // A decimal count "0".."max" (no sign, no blanks), e.g. ?limit=100.
    unsigned int ParseCount(const std::string& name, const std::string& text, unsigned int max);

    // body[key] if present (and not null), else the default.
    bool GetBool(const Json::Value& body, const std::string& key, bool defaultValue);
    std::string GetString(const Json::Value& body, const std::string& key, const std::string& defaultValue);
    int GetInt(const Json::Value& body, const std::string& key, int defaultValue);

    // body[key], which must be a non-empty string.
    std::string GetRequiredString(const Json::Value& body, const std::string& key);

    // A bounded, printable rendering of a value for an error message.
    std::string Describe(const Json::Value& value);
  }
}
