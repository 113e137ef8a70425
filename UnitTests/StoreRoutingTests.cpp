// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/RoutingStore.h"
#include "Core/Store/Database.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

using namespace DicomMail;

namespace
{
}

class StoreRouting : public StoreEngineTest
{
};

TEST_P(StoreRouting, SentInstancesPerPartnerAndStudy)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  RoutingStore store(db);

  EXPECT_TRUE(store.GetSentInstances("clinic", "1.2.3").empty());
  store.MarkSent("ct-to-clinic", "clinic", "1.2.3", { "i1", "i2" });
  store.MarkSent("all-to-clinic", "clinic", "1.2.3", { "i2", "i3" });  // i2 again: no duplicate
  store.MarkSent("ct-to-lab", "lab", "1.2.3", { "i1" });
  store.MarkSent("ct-to-clinic", "clinic", "4.5.6", { "j1" });
  store.MarkSent("ct-to-clinic", "clinic", "7.8.9", {});  // nothing to record

  EXPECT_EQ((std::set<std::string>{ "i1", "i2", "i3" }), store.GetSentInstances("clinic", "1.2.3"));
  EXPECT_EQ((std::set<std::string>{ "i1" }), store.GetSentInstances("lab", "1.2.3"));
  EXPECT_EQ((std::set<std::string>{ "j1" }), store.GetSentInstances("clinic", "4.5.6"));
  EXPECT_TRUE(store.GetSentInstances("clinic", "7.8.9").empty());
  EXPECT_THROW(store.MarkSent("rule", "", "1.2.3", { "i1" }), Error);
}

TEST_P(StoreRouting, InstancesOfATransferThatFailedForGoodGoAgain)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  OutboxStore outbox(db);
  RoutingStore store(db);
  for (const char* setId : { "set-a", "set-b", "set-c" })
  {
    OutboxTransfer transfer;
    transfer.setId = setId;
    transfer.partner = "clinic";
    outbox.CreateTransfer(transfer, {});
  }

  store.MarkSent("ct-to-clinic", "clinic", "1.2.3", { "i1", "i2" }, "set-a");
  store.MarkSent("ct-to-clinic", "clinic", "1.2.3", { "i3" }, "set-b");
  outbox.SetTransferState("set-a", TransferState::Sending, "");
  outbox.SetTransferState("set-b", TransferState::Sending, "");
  EXPECT_EQ((std::set<std::string>{ "i1", "i2", "i3" }), store.GetSentInstances("clinic", "1.2.3"));

  // SMTP down past its retries: the rule's next plan sends i1 and i2 again.
  outbox.SetTransferState("set-a", TransferState::Failed, "mail 1 could not be sent after 6 attempts");
  EXPECT_EQ((std::set<std::string>{ "i3" }), store.GetSentInstances("clinic", "1.2.3"));
  // Canceled by the user is not resent on its own.
  outbox.SetTransferState("set-b", TransferState::Canceled, "canceled by the user");
  EXPECT_EQ((std::set<std::string>{ "i3" }), store.GetSentInstances("clinic", "1.2.3"));

  // They now belong to the new transfer, and count as sent while it lives.
  store.MarkSent("ct-to-clinic", "clinic", "1.2.3", { "i1", "i2", "i4" }, "set-c");
  EXPECT_EQ((std::set<std::string>{ "i1", "i2", "i3", "i4" }), store.GetSentInstances("clinic", "1.2.3"));
  // A transfer that fails again frees them again; the user's resend of set-a later changes nothing.
  outbox.SetTransferState("set-c", TransferState::Failed, "again");
  EXPECT_EQ((std::set<std::string>{ "i3" }), store.GetSentInstances("clinic", "1.2.3"));
}

TEST_P(StoreRouting, ReceivedFromPreventsLoops)
{
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  RoutingStore store(db);

  EXPECT_EQ("", store.ReceivedFrom("1.2.3"));
  EXPECT_FALSE(store.WasReceivedFrom("1.2.3", "clinic"));

  store.RecordReceived("1.2.3", "clinic");
  EXPECT_EQ("clinic", store.ReceivedFrom("1.2.3"));
  EXPECT_TRUE(store.WasReceivedFrom("1.2.3", "clinic"));
  EXPECT_FALSE(store.WasReceivedFrom("1.2.3", "lab"));
  EXPECT_EQ("", store.ReceivedFrom("4.5.6"));

  // A study completed by a second partner: both are remembered, the latest
  // is the one ReceivedFrom() names.
  store.RecordReceived("1.2.3", "lab");
  store.RecordReceived("1.2.3", "lab");
  EXPECT_EQ("lab", store.ReceivedFrom("1.2.3"));
  EXPECT_EQ((std::set<std::string>{ "clinic", "lab" }), store.GetSenders("1.2.3"));
  EXPECT_THROW(store.RecordReceived("", "lab"), Error);
}

TEST_P(StoreRouting, SurvivesReopen)
{
  {
    std::unique_ptr<Database> dbOpened = Open();
    Database& db = *dbOpened;
    RoutingStore store(db);
    store.MarkSent("rule", "clinic", "1.2.3", { "i1" });
    store.RecordReceived("4.5.6", "lab");
  }
  std::unique_ptr<Database> dbOpened = Open();
  Database& db = *dbOpened;
  RoutingStore store(db);
  EXPECT_EQ((std::set<std::string>{ "i1" }), store.GetSentInstances("clinic", "1.2.3"));
  EXPECT_EQ("lab", store.ReceivedFrom("4.5.6"));
}

INSTANTIATE_STORE_ENGINES(StoreRouting);
