// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Transfer/TransferState.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(TransferState, TextRoundTripKeepsTheRestStrings)
{
  const char* const transfers[] = { "pending", "sending", "sent", "acknowledged", "failed", "canceled" };
  for (const char* text : transfers)
  {
    EXPECT_STREQ(text, ToString(ParseTransferState(text)));
  }
  const char* const mails[] = { "pending", "sending", "sent", "acknowledged", "warning", "failed" };
  for (const char* text : mails)
  {
    EXPECT_STREQ(text, ToString(ParseMailState(text)));
  }
  EXPECT_THROW(ParseTransferState("warning"), Error);
  EXPECT_THROW(ParseMailState("canceled"), Error);
  EXPECT_THROW(ParseMailState("Sent"), Error);
  EXPECT_EQ(6u, AllTransferStates().size());
}

TEST(TransferState, WhatCountsAsDeliveredAcknowledgedAndFinished)
{
  using namespace OutboxStates;
  EXPECT_FALSE(IsDelivered(MailState::Pending));
  EXPECT_FALSE(IsDelivered(MailState::Sending));
  EXPECT_TRUE(IsDelivered(MailState::Sent));
  EXPECT_TRUE(IsDelivered(MailState::Acknowledged));
  EXPECT_TRUE(IsDelivered(MailState::Warning));
  EXPECT_FALSE(IsDelivered(MailState::Failed));   // a refused mail goes again

  EXPECT_FALSE(IsAcknowledged(MailState::Sent));
  EXPECT_TRUE(IsAcknowledged(MailState::Acknowledged));
  EXPECT_TRUE(IsAcknowledged(MailState::Warning));

  EXPECT_FALSE(IsFinished(TransferState::Pending));
  EXPECT_FALSE(IsFinished(TransferState::Sending));
  EXPECT_TRUE(IsFinished(TransferState::Sent));
  EXPECT_TRUE(IsFinished(TransferState::Canceled));
  EXPECT_TRUE(IsStopped(TransferState::Failed));
  EXPECT_FALSE(IsStopped(TransferState::Sent));

  EXPECT_TRUE(IsResendable(TransferState::Failed));
  EXPECT_FALSE(IsResendable(TransferState::Canceled));
  EXPECT_FALSE(IsResendable(TransferState::Sent));

  EXPECT_TRUE(NeedsJob(TransferState::Pending));
  EXPECT_TRUE(NeedsJob(TransferState::Sending));
  EXPECT_FALSE(NeedsJob(TransferState::Sent));         // acknowledgements move it on, not the job
  EXPECT_FALSE(NeedsJob(TransferState::Failed));
  EXPECT_FALSE(NeedsJob(TransferState::Canceled));
  EXPECT_FALSE(NeedsJob(TransferState::Acknowledged));

  EXPECT_EQ(TransferState::Sent, WhenAllDelivered(true));
  EXPECT_EQ(TransferState::Acknowledged, WhenAllDelivered(false));
}

TEST(TransferState, Transitions)
{
  using namespace OutboxStates;
  for (TransferState from : AllTransferStates())
  {
    EXPECT_FALSE(CanChange(from, TransferState::Pending)) << ToString(from);
    EXPECT_TRUE(CanChange(from, TransferState::Sending)) << ToString(from);
  }
  EXPECT_TRUE(CanChange(TransferState::Sending, TransferState::Sent));
  EXPECT_FALSE(CanChange(TransferState::Failed, TransferState::Sent));
  EXPECT_FALSE(CanChange(TransferState::Acknowledged, TransferState::Sent));
  EXPECT_TRUE(CanChange(TransferState::Sent, TransferState::Acknowledged));
  EXPECT_FALSE(CanChange(TransferState::Failed, TransferState::Acknowledged));
  EXPECT_TRUE(CanChange(TransferState::Sent, TransferState::Failed));
  EXPECT_FALSE(CanChange(TransferState::Canceled, TransferState::Failed));
  EXPECT_TRUE(CanChange(TransferState::Sending, TransferState::Canceled));
  EXPECT_FALSE(CanChange(TransferState::Acknowledged, TransferState::Canceled));
}
