// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Http/RequestValues.h"

#include "Core/Common/Error.h"

#include <json/writer.h>

namespace DicomMail
{
  namespace RequestValues
  {
    namespace
    {
      const size_t MAX_SHOWN = 60;

      // Echoed into a JSON error message: printable ASCII only, and short.
      std::string Printable(const std::string& text)
      {
        std::string result;
        for (unsigned char c : text.substr(0, MAX_SHOWN))
        {
          result += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
        }
        return text.size() > MAX_SHOWN ? result + "..." : result;
      }

      Json::Value Field(const Json::Value& body, const std::string& key)
      {
        if (!body.isObject() || !body.isMember(key))
        {
          return Json::Value();
        }
        return body[key];
      }

      [[noreturn]] void Refuse(const std::string& key, const Json::Value& value, const char* expected)
      {
        throw Error(ErrorKind::BadInput, "\"" + key + "\" must be " + expected + ", not " + Describe(value));
      }
    }

    std::string Describe(const Json::Value& value)
    {
      Json::StreamWriterBuilder builder;
      builder["indentation"] = "";
      return Printable(Json::writeString(builder, value));
    }

    unsigned int ParseCount(const std::string& name, const std::string& text, unsigned int max)
    {
      const std::string shown = "\"" + Printable(text) + "\"";
      if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos)
      {
        throw Error(ErrorKind::BadInput, "the argument \"" + name + "\" must be a whole number from 0 to " +
                    std::to_string(max) + ", not " + shown);
      }
      const unsigned long long value = std::stoull(text);
      if (value > max)
      {
        throw Error(ErrorKind::BadInput, "the argument \"" + name + "\" must be at most " + std::to_string(max) +
                    ", not " + shown);
      }
      return static_cast<unsigned int>(value);
    }

    namespace
    {
      // body[key] if present (and not null) and of the type "isType" checks.
      template <typename T>
      T GetTyped(const Json::Value& body, const std::string& key, const T& defaultValue,
                 bool (Json::Value::*isType)() const, T (Json::Value::*as)() const, const char* expected)
      {
        const Json::Value value = Field(body, key);
        if (value.isNull())
        {
          return defaultValue;
        }
        if (!(value.*isType)())
        {
          Refuse(key, value, expected);
        }
        return (value.*as)();
      }
    }

    bool GetBool(const Json::Value& body, const std::string& key, bool defaultValue)
    {
      return GetTyped<bool>(body, key, defaultValue, &Json::Value::isBool, &Json::Value::asBool, "true or false");
    }

    std::string GetString(const Json::Value& body, const std::string& key, const std::string& defaultValue)
    {
      return GetTyped<std::string>(body, key, defaultValue, &Json::Value::isString, &Json::Value::asString,
                                   "a string");
    }

    int GetInt(const Json::Value& body, const std::string& key, int defaultValue)
    {
      return GetTyped<int>(body, key, defaultValue, &Json::Value::isInt, &Json::Value::asInt, "an integer");
    }

    std::string GetRequiredString(const Json::Value& body, const std::string& key)
    {
      const Json::Value value = Field(body, key);
      if (!value.isString() || value.asString().empty())
      {
        Refuse(key, value, "a non-empty string");
      }
      return value.asString();
    }
  }
}
