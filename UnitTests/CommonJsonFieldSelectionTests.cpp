// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Common/JsonFieldSelection.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  Json::Value Partner()
  {
    Json::Value p = Json::objectValue;
    p["Name"] = "klinik";
    p["DisplayName"] = "Klinik Süd";
    p["KeyState"]["Usable"] = true;
    p["MaxMailSize"] = 0;
    return p;
  }
}

TEST(CommonJsonFieldSelection, NoArgumentKeepsEverything)
{
  const JsonFieldSelection all("");
  EXPECT_TRUE(all.SelectsAll());
  EXPECT_EQ(Partner(), all.Apply(Partner()));
  EXPECT_TRUE(JsonFieldSelection("  ").SelectsAll());
}

TEST(CommonJsonFieldSelection, KeepsOnlyTheNamedMembersWithTheirWholeValue)
{
  const JsonFieldSelection picker("Name, KeyState");
  EXPECT_FALSE(picker.SelectsAll());
  const Json::Value cut = picker.Apply(Partner());
  ASSERT_EQ(2u, cut.size());
  EXPECT_EQ("klinik", cut["Name"].asString());
  EXPECT_TRUE(cut["KeyState"]["Usable"].asBool());
  EXPECT_FALSE(cut.isMember("DisplayName"));
}

TEST(CommonJsonFieldSelection, RefusesMalformedListsAndUnknownMembersByName)
{
  EXPECT_THROW(JsonFieldSelection("Name,,KeyState"), Error);
  EXPECT_THROW(JsonFieldSelection("Name,"), Error);
  EXPECT_THROW(JsonFieldSelection("Name,Name"), Error);
  try
  {
    JsonFieldSelection("Name,Fingerprnt").Apply(Partner());
    FAIL() << "a misspelt member was accepted";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("Fingerprnt"));
  }
}
