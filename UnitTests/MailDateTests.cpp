// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/MailDate.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(MailDate, FormatIsUtcRfc5322)
{
  EXPECT_EQ("Sat, 28 Nov 2026 04:15:02 +0000", MailDate::Format(1795839302));
}

TEST(MailDate, ParseRoundTripAndZones)
{
  time_t t = 0;
  ASSERT_TRUE(MailDate::Parse(MailDate::Format(1795839302), t));
  EXPECT_EQ(1795839302, t);
  ASSERT_TRUE(MailDate::Parse("28 Nov 2026 05:15:02 +0100", t));
  EXPECT_EQ(1795839302, t);
  ASSERT_TRUE(MailDate::Parse("Fri, 27 Nov 2026 23:15:02 EST (comment)", t));
  EXPECT_EQ(1795839302, t);
  ASSERT_TRUE(MailDate::Parse("Sat, 28 Nov 26 04:15 GMT", t));
  EXPECT_EQ(1795839300, t);
}

TEST(MailDate, ParseRejectsGarbage)
{
  time_t t = 0;
  EXPECT_FALSE(MailDate::Parse("", t));
  EXPECT_FALSE(MailDate::Parse("yesterday", t));
  EXPECT_FALSE(MailDate::Parse("32 Nov 2026 04:15:02 +0000", t));
  EXPECT_FALSE(MailDate::Parse("28 Foo 2026 04:15:02 +0000", t));
  EXPECT_FALSE(MailDate::Parse("28 Nov 2026 25:15:02 +0000", t));
  EXPECT_FALSE(MailDate::Parse("28 Nov 2026 04:15:02 +01", t));
}
