// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json/reader.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace TestSupport
{
  // JSON written in a test; malformed test JSON is the test's bug.
  inline Json::Value ParseJson(const std::string& text)
  {
    Json::CharReaderBuilder builder;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    Json::Value value;
    std::string errors;
    if (!reader->parse(text.data(), text.data() + text.size(), &value, &errors))
    {
      throw std::runtime_error("bad test JSON: " + errors);
    }
    return value;
  }
}
