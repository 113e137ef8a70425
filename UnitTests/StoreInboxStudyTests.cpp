// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/InboxStudyStore.h"
#include "Core/Store/SqliteDatabase.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(StoreInboxStudy, EachStudyOncePerTransferInOrder)
{
  TempDirectory dir;
  SqliteDatabase db(dir.File("dm.db"));
  InboxStudyStore store(db);
  store.Record("set-1", "study-b");
  store.Record("set-1", "study-a");
  store.Record("set-1", "study-b");      // a second instance of the same study
  store.Record("set-2", "study-b");
  EXPECT_EQ((std::vector<std::string>{"study-b", "study-a"}), store.List("set-1"));
  EXPECT_EQ((std::vector<std::string>{"study-b"}), store.List("set-2"));
  EXPECT_TRUE(store.List("set-3").empty());
}
