// SPDX-License-Identifier: GPL-3.0-or-later
// SMTP reply classification: which refusals are waited out (#23).

#include "Core/Transport/SmtpReply.h"

#include <gtest/gtest.h>

using namespace DicomMail;

TEST(SmtpReply, ParsesCodeAndEnhancedCode)
{
  EXPECT_EQ(552, SmtpReply::ParseCode("552 5.2.2 <a@b>: Recipient address rejected: Mailbox is full"));
  EXPECT_EQ(250, SmtpReply::ParseCode("250-SIZE 1000"));
  EXPECT_EQ(0, SmtpReply::ParseCode("* OK IMAP"));
  EXPECT_EQ(0, SmtpReply::ParseCode("55"));
  EXPECT_EQ("5.2.2", SmtpReply::ParseEnhancedCode("552 5.2.2 Mailbox full"));
  EXPECT_EQ("4.2.2", SmtpReply::ParseEnhancedCode("452 4.2.2 Over quota"));
  EXPECT_EQ("5.3.4", SmtpReply::ParseEnhancedCode("552 5.3.4 Message size exceeds fixed limit"));
  EXPECT_EQ("", SmtpReply::ParseEnhancedCode("552 Requested mail action aborted"));
  EXPECT_EQ("", SmtpReply::ParseEnhancedCode("552 52.2 x"));
  EXPECT_EQ("", SmtpReply::ParseEnhancedCode("552 5.2.2222 x"));
}

TEST(SmtpReply, FullMailboxIsTemporaryWithEitherCode)
{
  for (const char* line : { "552 5.2.2 <referrer@referrer.test>: Recipient address rejected: Mailbox is full",
                            "452 4.2.2 Mailbox full", "552-5.2.2 Quota exceeded" })
  {
    const long code = SmtpReply::ParseCode(line);
    EXPECT_TRUE(SmtpReply::IsMailboxFull(code, line)) << line;
    EXPECT_EQ(TransportError::Nature::Temporary, SmtpReply::Classify(code, line)) << line;
  }
}

TEST(SmtpReply, OtherRefusalsKeepTheirFirstDigit)
{
  // 552 without X.2.2 is "message too large": retrying the same mail is useless.
  const std::string tooLarge = "552 5.3.4 Message size exceeds fixed limit";
  EXPECT_FALSE(SmtpReply::IsMailboxFull(552, tooLarge));
  EXPECT_EQ(TransportError::Nature::Permanent, SmtpReply::Classify(552, tooLarge));
  EXPECT_EQ(TransportError::Nature::Permanent, SmtpReply::Classify(550, "550 5.1.1 User unknown"));
  // X.2.2 with another reply code is not the full-mailbox answer.
  EXPECT_FALSE(SmtpReply::IsMailboxFull(550, "550 5.2.2 odd"));
  EXPECT_EQ(TransportError::Nature::Permanent, SmtpReply::Classify(550, "550 5.2.2 odd"));
  EXPECT_EQ(TransportError::Nature::Temporary, SmtpReply::Classify(451, "451 4.3.0 Try later"));
  EXPECT_EQ(TransportError::Nature::Temporary, SmtpReply::Classify(452, "452 4.3.1 Insufficient system storage"));
  EXPECT_FALSE(SmtpReply::IsMailboxFull(452, "452 4.3.1 Insufficient system storage"));
}
