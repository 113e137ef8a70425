// SPDX-License-Identifier: GPL-3.0-or-later
// POP3 cannot claim a mail: a second poller of one maildrop is named when
// a mail vanishes under us (real Dovecot of the mail stack).

#include "Core/Polling/Pop3MailboxSession.h"
#include "Core/Transport/ImapMailbox.h"
#include "Core/Transport/TransportError.h"
#include "UnitTests/TransportTestSupport.h"

#include <gtest/gtest.h>

using namespace DicomMail;
using namespace TransportTest;

TEST(TransportPop3SecondPoller, AMailDeletedUnderUsNamesASecondPoller)
{
  const std::string user = "clinic@clinic.test";
  const std::string token = UniqueToken("pop3-second");
  const std::string content = "X-Transport-Test: " + token + "\r\nSubject: x\r\n\r\nbody\r\n";
  {
    ImapMailbox inbox(Account("imaps", user));
    StringSource source(content);
    ASSERT_GT(inbox.Append("INBOX", source, content.size()), 0u);
  }

  Pop3MailboxSession first(Account("pop3s", user), TransferProgress());
  Pop3MailboxSession second(Account("pop3s", user), TransferProgress());
  const std::vector<ServerMessage> listedFirst = first.ListCandidates();
  const std::vector<ServerMessage> listedSecond = second.ListCandidates();
  ASSERT_FALSE(listedFirst.empty());
  ASSERT_EQ(listedFirst.size(), listedSecond.size());

  // The second poller takes everything and commits.
  for (const ServerMessage& m : listedSecond)
  {
    second.Finish(m, IMailboxSession::Destination::Processed);
  }
  second.Commit();

  StringSink sink;
  try
  {
    first.Fetch(listedFirst.back(), sink);
    FAIL() << "the mail deleted by the other session was fetched";
  }
  catch (const TransportError& e)
  {
    const std::string what = e.what();
    EXPECT_NE(std::string::npos, what.find("One poller per POP3 mailbox is required")) << what;
    EXPECT_NE(std::string::npos, what.find("second Orthanc")) << what;
    EXPECT_TRUE(e.IsTemporary()) << "the mail may still be there for the next poll";
  }
}
