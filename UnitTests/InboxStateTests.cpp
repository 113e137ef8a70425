// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Transfer/InboxState.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(InboxState, TextRoundTripKeepsTheRestStrings)
{
  const char* const transfers[] = { "receiving", "complete", "complete-with-warnings", "failed", "quarantined" };
  for (const char* text : transfers)
  {
    EXPECT_STREQ(text, ToString(ParseInboxTransferState(text)));
  }
  const char* const mails[] = { "received", "imported", "warning", "failed", "rejected", "quarantined", "accepted" };
  for (const char* text : mails)
  {
    EXPECT_STREQ(text, ToString(ParseInboxMailState(text)));
  }
  EXPECT_EQ(5u, AllInboxTransferStates().size());
  EXPECT_EQ(7u, AllInboxMailStates().size());
  for (InboxMailState state : AllInboxMailStates())
  {
    EXPECT_EQ(state, ParseInboxMailState(ToString(state)));
  }
}

TEST(InboxState, UnknownTextIsBadInputNamingIt)
{
  EXPECT_THROW(ParseInboxTransferState("imported"), Error);   // a mail's word, not a transfer's
  EXPECT_THROW(ParseInboxMailState("complete"), Error);
  EXPECT_THROW(ParseInboxMailState("Imported"), Error);
  try
  {
    ParseInboxMailState("bogus");
    ADD_FAILURE() << "accepted an unknown state";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("\"bogus\""));
  }
}

TEST(InboxState, WhatCountsAsImportedAndComplete)
{
  using namespace InboxStates;
  EXPECT_TRUE(IsImported(InboxMailState::Imported));
  EXPECT_TRUE(IsImported(InboxMailState::Warning));
  for (InboxMailState state : { InboxMailState::Received, InboxMailState::Failed, InboxMailState::Rejected,
                                InboxMailState::Quarantined, InboxMailState::Accepted })
  {
    EXPECT_FALSE(IsImported(state)) << ToString(state);
  }
  EXPECT_TRUE(IsComplete(InboxTransferState::Complete));
  EXPECT_TRUE(IsComplete(InboxTransferState::CompleteWithWarnings));
  for (InboxTransferState state : { InboxTransferState::Receiving, InboxTransferState::Failed,
                                    InboxTransferState::Quarantined })
  {
    EXPECT_FALSE(IsComplete(state)) << ToString(state);
  }
}

TEST(InboxState, TransferStateFromItsParts)
{
  using namespace InboxStates;
  using M = InboxMailState;
  EXPECT_EQ(InboxTransferState::Receiving, ForParts({ M::Imported }, 2, false));
  EXPECT_EQ(InboxTransferState::Receiving, ForParts({ M::Imported, M::Imported }, 0, false));  // total unknown
  EXPECT_EQ(InboxTransferState::Complete, ForParts({ M::Imported, M::Imported }, 2, false));
  EXPECT_EQ(InboxTransferState::CompleteWithWarnings, ForParts({ M::Imported, M::Imported }, 2, true));
  EXPECT_EQ(InboxTransferState::CompleteWithWarnings, ForParts({ M::Warning, M::Imported }, 2, false));
  EXPECT_EQ(InboxTransferState::Failed, ForParts({ M::Imported, M::Rejected }, 3, false));
  EXPECT_EQ(InboxTransferState::Quarantined, ForParts({ M::Rejected, M::Quarantined }, 3, false));
  EXPECT_EQ(InboxTransferState::Receiving, ForParts({ M::Failed }, 2, false));   // our side failed: tried again
}
