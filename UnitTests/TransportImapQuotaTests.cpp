// SPDX-License-Identifier: GPL-3.0-or-later
// Reading IMAP QUOTA answers and when a full mailbox is warned about (#23).

#include "Core/Polling/QuotaWarning.h"
#include "Core/Transport/ImapQuota.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(ImapQuota, ReadsDovecotAnswer)
{
  const ImapQuota q = ImapQuotaReply::Parse(
    "* QUOTAROOT INBOX \"User quota\"\r\n"
    "* QUOTA \"User quota\" (STORAGE 850 1000 MESSAGE 12 100)\r\n");
  ASSERT_TRUE(q.known);
  EXPECT_EQ("User quota", q.root);
  EXPECT_EQ(850u * 1024, q.usedBytes);
  EXPECT_EQ(1000u * 1024, q.limitBytes);
  EXPECT_EQ(85u, q.Percent());
}

TEST(ImapQuota, TakesTheFullestRootAndAtoms)
{
  const ImapQuota q = ImapQuotaReply::Parse(
    "* QUOTAROOT INBOX user shared\r\n"
    "* QUOTA user (STORAGE 10 100)\r\n"
    "* quota shared (MESSAGE 1 2 STORAGE 900 1000)\r\n");
  ASSERT_TRUE(q.known);
  EXPECT_EQ("shared", q.root);
  EXPECT_EQ(90u, q.Percent());
}

TEST(ImapQuota, NoStorageLimitIsUnknown)
{
  EXPECT_FALSE(ImapQuotaReply::Parse("* QUOTAROOT INBOX\r\n").known);
  EXPECT_FALSE(ImapQuotaReply::Parse("* QUOTA \"\" (MESSAGE 3 10)\r\n").known);
  EXPECT_FALSE(ImapQuotaReply::Parse("* QUOTA \"\" (STORAGE 3 0)\r\n").known);
  EXPECT_FALSE(ImapQuotaReply::Parse("* QUOTA \"x\" (STORAGE abc 10)\r\n").known);
  EXPECT_FALSE(ImapQuotaReply::Parse("* QUOTA \"x\" STORAGE 1 10\r\n").known);
  EXPECT_EQ(0u, ImapQuota().Percent());
}

TEST(ImapQuota, OverTheLimitPassesHundred)
{
  const ImapQuota q = ImapQuotaReply::Parse("* QUOTA \"\" (STORAGE 1200 1000)\r\n");
  ASSERT_TRUE(q.known);
  EXPECT_EQ("", q.root);
  EXPECT_EQ(120u, q.Percent());
}

TEST(ImapQuota, Capability)
{
  const std::string caps = "* CAPABILITY IMAP4rev1 SASL-IR QUOTA=RES-STORAGE MOVE\r\n";
  EXPECT_FALSE(ImapQuotaReply::HasCapability(caps, "QUOTA"));
  EXPECT_TRUE(ImapQuotaReply::HasCapability(caps, "move"));
  EXPECT_TRUE(ImapQuotaReply::HasCapability("* CAPABILITY IMAP4rev1 QUOTA\r\n", "QUOTA"));
  EXPECT_FALSE(ImapQuotaReply::HasCapability("* OK QUOTA\r\n", "QUOTA"));
}

TEST(QuotaWarning, OncePerCrossing)
{
  auto reading = [](uint64_t usedKiB) {
    return ImapQuotaReply::Parse("* QUOTA r (STORAGE " + std::to_string(usedKiB) + " 100)\r\n");
  };
  QuotaWarning warning;
  EXPECT_FALSE(warning.Crossed(reading(50)));
  EXPECT_FALSE(warning.Crossed(reading(80)));   // at 80 %, not above
  EXPECT_TRUE(warning.Crossed(reading(81)));
  EXPECT_FALSE(warning.Crossed(reading(95)));
  EXPECT_FALSE(warning.Crossed(reading(99)));
  EXPECT_FALSE(warning.Crossed(reading(60)));
  EXPECT_TRUE(warning.Crossed(reading(90)));
  EXPECT_FALSE(warning.Crossed(ImapQuota()));    // unknown re-arms
  EXPECT_TRUE(warning.Crossed(reading(90)));
}
