// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/Error.h"
#include "Core/Config/Configuration.h"

#include <json/reader.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace ConfigTest
{
  inline Json::Value Parse(const std::string& text)
  {
    Json::CharReaderBuilder builder;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    Json::Value value;
    std::string errors;
    EXPECT_TRUE(reader->parse(text.data(), text.data() + text.size(), &value, &errors)) << errors;
    return value;
  }

  // The message of the configuration error "json" makes, "" if none.
  inline std::string ErrorOf(const std::string& json)
  {
    try
    {
      DicomMail::Configuration::Parse(Parse(json));
    }
    catch (const DicomMail::Error& e)
    {
      EXPECT_EQ(DicomMail::ErrorKind::Configuration, e.GetKind());
      return e.what();
    }
    return "";
  }
}
