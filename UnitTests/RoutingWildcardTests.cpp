// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Routing/DicomWildcard.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(RoutingWildcard, ExactValuesIgnoreCaseAndPadding)
{
  EXPECT_TRUE(DicomWildcard::Matches("CT", "CT"));
  EXPECT_TRUE(DicomWildcard::Matches("ct", "CT"));
  EXPECT_TRUE(DicomWildcard::Matches("CT", "CT "));
  EXPECT_FALSE(DicomWildcard::Matches("CT", "MR"));
  EXPECT_FALSE(DicomWildcard::Matches("CT", "CTA"));
  EXPECT_FALSE(DicomWildcard::Matches("CT", ""));
}

TEST(RoutingWildcard, StarMatchesAnyRunIncludingNone)
{
  EXPECT_TRUE(DicomWildcard::Matches("*", ""));
  EXPECT_TRUE(DicomWildcard::Matches("*", "anything"));
  EXPECT_TRUE(DicomWildcard::Matches("Dr*Meier*", "DR^MEIER^HANS"));
  EXPECT_TRUE(DicomWildcard::Matches("*Meier*", "Meier^Hans^^Dr."));
  EXPECT_TRUE(DicomWildcard::Matches("Meier*", "Meier"));
  EXPECT_FALSE(DicomWildcard::Matches("Dr*Meier*", "Meier^Hans^^Dr."));
  EXPECT_FALSE(DicomWildcard::Matches("*Meier", "Meier^Hans"));
  EXPECT_TRUE(DicomWildcard::Matches("a*b*c", "aXXbYYbZZc"));
  EXPECT_FALSE(DicomWildcard::Matches("a*b*c", "aXXbYYbZZ"));
}

TEST(RoutingWildcard, QuestionMarkIsExactlyOneCharacter)
{
  EXPECT_TRUE(DicomWildcard::Matches("C?", "CT"));
  EXPECT_FALSE(DicomWildcard::Matches("C?", "C"));
  EXPECT_FALSE(DicomWildcard::Matches("C?", "CTA"));
  // One code point, not one byte: "ü" is two bytes in UTF-8.
  EXPECT_TRUE(DicomWildcard::Matches("S?d", "Süd"));
  EXPECT_FALSE(DicomWildcard::Matches("S??d", "Süd"));
}

TEST(RoutingWildcard, Latin1LettersFoldCase)
{
  EXPECT_TRUE(DicomWildcard::Matches("klinikum süd", "KLINIKUM SÜD"));
  EXPECT_TRUE(DicomWildcard::Matches("*SÜD", "Klinikum Süd"));
  EXPECT_FALSE(DicomWildcard::Matches("*SUD", "Klinikum Süd"));
}

TEST(RoutingWildcard, PathologicalPatternStaysFast)
{
  const std::string value(5000, 'a');
  EXPECT_FALSE(DicomWildcard::Matches("*a*a*a*a*a*a*a*a*a*a*b", value));
  EXPECT_TRUE(DicomWildcard::Matches("*a*a*a*a*a*a*a*a*a*a*", value));
}

TEST(RoutingWildcard, ListAndMultiValueMatching)
{
  EXPECT_TRUE(DicomWildcard::MatchesValue("CT\\MR", "MR"));
  EXPECT_FALSE(DicomWildcard::MatchesValue("CT\\MR", "US"));
  EXPECT_TRUE(DicomWildcard::MatchesValue("CT", "CT\\SR"));              // ModalitiesInStudy
  EXPECT_TRUE(DicomWildcard::MatchesValue("ORIGINAL\\PRIMARY", "ORIGINAL\\PRIMARY\\AXIAL"));
  EXPECT_TRUE(DicomWildcard::MatchesValue("*PRIMARY*", "ORIGINAL\\PRIMARY\\AXIAL"));
  EXPECT_FALSE(DicomWildcard::MatchesValue("DERIVED", "ORIGINAL\\PRIMARY\\AXIAL"));
}
