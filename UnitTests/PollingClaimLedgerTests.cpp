// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/ImapClaimLedger.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(PollingClaimLedger, OwnsOnlyWhatItClaimed)
{
  ImapClaimLedger ledger(60);
  ledger.Own("account-a", "7:1");
  EXPECT_TRUE(ledger.Owns("account-a", "7:1"));
  EXPECT_FALSE(ledger.Owns("account-b", "7:1"));
  EXPECT_FALSE(ledger.Owns("account-a", "7:2"));
  ledger.Release("account-a", "7:1");
  EXPECT_FALSE(ledger.Owns("account-a", "7:1"));
}

TEST(PollingClaimLedger, ForeignClaimsAreStaleAfterTheTimeout)
{
  ImapClaimLedger ledger(60);
  EXPECT_TRUE(ledger.FindStale("a", {"7:1", "7:2"}, 1000).empty());
  EXPECT_TRUE(ledger.FindStale("a", {"7:1", "7:2", "7:3"}, 1059).empty());
  EXPECT_EQ(std::vector<std::string>({"7:1", "7:2"}), ledger.FindStale("a", {"7:1", "7:2", "7:3"}, 1060));
  // A claim that left the folder (its owner finished it) starts again if it ever comes back.
  EXPECT_TRUE(ledger.FindStale("a", {"7:3"}, 1061).empty());
  EXPECT_TRUE(ledger.FindStale("a", {"7:1"}, 1062).empty());
  EXPECT_EQ(std::vector<std::string>({"7:1"}), ledger.FindStale("a", {"7:1", "7:3"}, 1122));
  // Other folders are counted apart.
  EXPECT_TRUE(ledger.FindStale("b", {"7:3"}, 5000).empty());
}

TEST(PollingClaimLedger, OwnClaimsAreNeverForeign)
{
  ImapClaimLedger ledger(0);
  EXPECT_EQ(std::vector<std::string>({"7:1"}), ledger.FindStale("a", {"7:1"}, 10));
  ledger.Own("a", "7:1");
  EXPECT_FALSE(ledger.FindStale("a", {"7:2"}, 10).empty());
}
