// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Transfer/DicomFileName.h"
#include "Core/Transfer/SetId.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

using namespace DicomMail;

TEST(TransferSetId, GeneratesZeroPaddedUtcTimestamp)
{
  // 2026-01-02 03:04:05 UTC: every field needs its zero padding.
  const std::string id = SetId::Generate(static_cast<std::time_t>(1767323045));
  ASSERT_EQ(24u, id.size());
  EXPECT_EQ("20260102.030405.", id.substr(0, 16));
  EXPECT_TRUE(std::regex_match(id.substr(16), std::regex("[0-9a-f]{8}")));
  EXPECT_TRUE(SetId::IsValid(id));
}

TEST(TransferSetId, GeneratesDifferentIdsInTheSameSecond)
{
  std::set<std::string> ids;
  for (int i = 0; i < 100; i++)
  {
    ids.insert(SetId::Generate(static_cast<std::time_t>(1767323045)));
  }
  // 100 draws of 32 random bits: a collision would be a broken generator.
  EXPECT_EQ(100u, ids.size());
}

TEST(TransferSetId, NowIsValid)
{
  const std::string id = SetId::Generate();
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9]{8}\\.[0-9]{6}\\.[0-9a-f]{8}")));
  EXPECT_NO_THROW(SetId::Check(id));
}

TEST(TransferSetId, Validation)
{
  EXPECT_TRUE(SetId::IsValid("a"));
  EXPECT_TRUE(SetId::IsValid("20100905.121012.200"));
  EXPECT_TRUE(SetId::IsValid("Az09._-"));
  EXPECT_TRUE(SetId::IsValid(std::string(64, 'x')));
  EXPECT_FALSE(SetId::IsValid(""));
  EXPECT_FALSE(SetId::IsValid(std::string(65, 'x')));
  EXPECT_FALSE(SetId::IsValid("a b"));
  EXPECT_FALSE(SetId::IsValid("../etc"));
  EXPECT_FALSE(SetId::IsValid("a,b"));
  EXPECT_FALSE(SetId::IsValid("caf\xc3\xa9"));
  EXPECT_FALSE(SetId::IsValid(std::string("a\0b", 3)));

  try
  {
    SetId::Check("abc/def");
    FAIL() << "no exception";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("position 3"));
  }
  EXPECT_THROW(SetId::Check(""), Error);
  EXPECT_THROW(SetId::Check(std::string(65, 'a')), Error);
}

TEST(TransferDicomFileName, ForIndex)
{
  EXPECT_EQ("IM000001.dcm", DicomFileName::ForIndex(1));
  EXPECT_EQ("IM000042.dcm", DicomFileName::ForIndex(42));
  EXPECT_EQ("IM999999.dcm", DicomFileName::ForIndex(999999));
  for (unsigned int i : { 1u, 7u, 1234u, 999999u })
  {
    EXPECT_TRUE(DicomFileName::IsSafeDicomName(DicomFileName::ForIndex(i)));
  }

  try
  {
    DicomFileName::ForIndex(1000000);
    FAIL() << "no exception";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::LimitExceeded, e.GetKind());
  }
  EXPECT_THROW(DicomFileName::ForIndex(0), Error);
}

TEST(TransferDicomFileName, IsSafeDicomName)
{
  EXPECT_TRUE(DicomFileName::IsSafeDicomName("IM000001.dcm"));
  EXPECT_TRUE(DicomFileName::IsSafeDicomName("IM000001.DCM"));
  EXPECT_TRUE(DicomFileName::IsSafeDicomName("IM000001"));
  EXPECT_TRUE(DicomFileName::IsSafeDicomName("A.dcm"));
  EXPECT_TRUE(DicomFileName::IsSafeDicomName("AB_12.dcm"));

  EXPECT_FALSE(DicomFileName::IsSafeDicomName(""));
  EXPECT_FALSE(DicomFileName::IsSafeDicomName(".dcm"));
  EXPECT_FALSE(DicomFileName::IsSafeDicomName("IM0000001.dcm"));   // 9 characters
  EXPECT_FALSE(DicomFileName::IsSafeDicomName("im000001.dcm"));    // lower case
  EXPECT_FALSE(DicomFileName::IsSafeDicomName("../IM1.dcm"));
  EXPECT_FALSE(DicomFileName::IsSafeDicomName("/etc/passwd"));
  EXPECT_FALSE(DicomFileName::IsSafeDicomName("IM1.dcm.exe"));
  EXPECT_FALSE(DicomFileName::IsSafeDicomName("DOE JOHN.dcm"));
  EXPECT_FALSE(DicomFileName::IsSafeDicomName("IM1.txt"));
  EXPECT_FALSE(DicomFileName::IsSafeDicomName("IM\xc3\x9c.dcm"));
  EXPECT_FALSE(DicomFileName::IsSafeDicomName(std::string("IM\0.dcm", 7)));
}
