// SPDX-License-Identifier: GPL-3.0-or-later
// StatusBoard (#25): a mailbox's entry tells a poll in progress from none,
// so that an admin tells a mailbox busy with a long transfer from one that
// is not polled at all.
#include "Core/Common/StatusBoard.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  Json::Value EntryOf(const StatusBoard& board, const std::string& name)
  {
    for (const Json::Value& v : board.ToJson())
    {
      if (v["Name"].asString() == name)
      {
        return v;
      }
    }
    ADD_FAILURE() << "no entry " << name;
    return Json::Value();
  }
}

TEST(CommonStatusBoard, AMailboxShowsItsPollInProgressAndCountsEndedPolls)
{
  StatusBoard board;
  board.Declare("inbox", "incoming", "imaps://127.0.0.1");
  Json::Value v = EntryOf(board, "inbox");
  EXPECT_TRUE(v["PollingSince"].isNull());
  EXPECT_EQ(0u, v["Polls"].asUInt());
  EXPECT_TRUE(v["LastPollSeconds"].isNull());

  board.ReportPollStarted("inbox");
  v = EntryOf(board, "inbox");
  ASSERT_TRUE(v["PollingSince"].isString());
  EXPECT_EQ(20u, v["PollingSince"].asString().size());   // 2026-12-07T22:15:02Z
  EXPECT_EQ(0u, v["Polls"].asUInt());

  board.ReportSuccess("inbox");
  v = EntryOf(board, "inbox");
  EXPECT_TRUE(v["PollingSince"].isNull());
  EXPECT_EQ(1u, v["Polls"].asUInt());
  ASSERT_TRUE(v["LastPollSeconds"].isIntegral());
  EXPECT_GE(v["LastPollSeconds"].asInt64(), 0);

  board.ReportPollStarted("inbox");
  board.ReportError("inbox", "connection refused");   // a failed poll ended too
  v = EntryOf(board, "inbox");
  EXPECT_TRUE(v["PollingSince"].isNull());
  EXPECT_EQ(2u, v["Polls"].asUInt());
  EXPECT_EQ("error", v["State"].asString());
}

TEST(CommonStatusBoard, AResultOutsideAPollCountsNoPoll)
{
  StatusBoard board;
  board.Declare("inbox", "incoming", "imaps://127.0.0.1");
  board.Declare(StatusBoard::kSmtpAccount, "smtp", "smtp://127.0.0.1");
  board.ReportError("inbox", "cannot read the lease");
  board.ReportSuccess(StatusBoard::kSmtpAccount);
  EXPECT_EQ(0u, EntryOf(board, "inbox")["Polls"].asUInt());
  const Json::Value smtp = EntryOf(board, StatusBoard::kSmtpAccount);
  EXPECT_FALSE(smtp.isMember("Polls"));   // the sending account is not polled
  EXPECT_FALSE(smtp.isMember("PollingSince"));
}
