// SPDX-License-Identifier: GPL-3.0-or-later
// The configuration files we ship: they must parse as Orthanc reads them
// (JSON with comments), never carry a top-level "Plugins" key (Debian's
// orthanc.json has one, and Orthanc refuses a key defined twice), and the
// Debian package's file must leave the plugin inactive.
#include "Core/Config/Configuration.h"

#include <gtest/gtest.h>
#include <json/reader.h>

#include <fstream>
#include <memory>
#include <sstream>

using namespace DicomMail;

namespace
{
  Json::Value ReadShippedFile(const std::string& relativePath)
  {
    std::ifstream file(std::string(DICOM_MAIL_SOURCE_DIR) + "/" + relativePath);
    EXPECT_TRUE(file.good()) << relativePath;
    std::stringstream text;
    text << file.rdbuf();
    Json::CharReaderBuilder builder;   // comments allowed, as Orthanc does
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    const std::string content = text.str();
    Json::Value value;
    std::string errors;
    EXPECT_TRUE(reader->parse(content.data(), content.data() + content.size(), &value, &errors))
      << relativePath << ": " << errors;
    return value;
  }
}

TEST(ConfigurationPackage, DebianFileIsInactiveAndHasNoPluginsKey)
{
  const Json::Value file = ReadShippedFile("Resources/Debian/dicom-mail.json");
  EXPECT_FALSE(file.isMember("Plugins"));
  const Configuration c = Configuration::Parse(file["DicomMail"]);
  EXPECT_FALSE(c.HasMailAccount());
  EXPECT_EQ("/var/lib/orthanc/dicom-mail", c.stateDirectory);
}

TEST(ConfigurationPackage, ExampleHasNoPluginsKey)
{
  // Its password files do not exist here, so it is not parsed as a whole.
  const Json::Value file = ReadShippedFile("orthanc-config-example.json");
  EXPECT_FALSE(file.isMember("Plugins"));
  EXPECT_TRUE(file["DicomMail"].isMember("Smtp"));
}

TEST(ConfigurationPackage, OneAccountOfEitherKindActivates)
{
  Configuration none = Configuration::Parse(Json::Value());
  EXPECT_FALSE(none.HasMailAccount());
  Json::Value smtpOnly;
  smtpOnly["Smtp"]["Url"] = "smtp://127.0.0.1:2525";
  EXPECT_TRUE(Configuration::Parse(smtpOnly).HasMailAccount());
  Json::Value incomingOnly;
  incomingOnly["Incoming"][0]["Url"] = "imaps://127.0.0.1:1993";
  EXPECT_TRUE(Configuration::Parse(incomingOnly).HasMailAccount());
}
