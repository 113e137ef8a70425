// SPDX-License-Identifier: GPL-3.0-or-later
// MailUpload against servers that fail: a closed port (temporary failures,
// retried with back-off) and a server that never answers (an upload that
// only a cancel ends). Bounds are far below what the upload would take
// without the cancel, never timing targets.
#include "Core/Common/Files.h"
#include "Core/Sending/MailUpload.h"

#include "UnitTests/TransportTestSupport.h"

#include <gtest/gtest.h>

#include <atomic>

using namespace DicomMail;

namespace
{
  const char* const kFrom = "hospital@site-a.test";
  const char* const kDirectory = "/tmp";   // TempFile removes what it makes

  ReadyMail OneFileMail(const std::string& directory)
  {
    ReadyMail mail;
    mail.part = 1;
    mail.files.emplace_back(new TempFile(directory, ".eml"));
    Files::WriteAll(mail.files.back()->GetPath(), "From: <hospital@site-a.test>\r\nSubject: t\r\n\r\nbody\r\n");
    return mail;
  }

  MailAccount PlainAccount(int port)
  {
    MailAccount account;
    account.url = "smtp://127.0.0.1:" + std::to_string(port);
    account.requireTls = false;
    account.responseTimeoutSeconds = 3600;   // only a cancel ends a wait for a silent server
    return account;
  }

  struct Counters
  {
    std::atomic<unsigned int> errors{0};
    std::atomic<unsigned int> retries{0};
    std::atomic<unsigned int> successes{0};

    MailUpload::Events Events()
    {
      MailUpload::Events events;
      events.onSuccess = [this] { successes++; };
      events.onError = [this](const std::string&) { errors++; };
      events.onRetry = [this](const std::string&, unsigned int) { retries++; };
      return events;
    }
  };

  // One mail to a port where nobody listens: every attempt fails at once, as a temporary failure.
  struct ToClosedPort
  {
    ReadyMail mail = OneFileMail(kDirectory);
    SmtpSender smtp{PlainAccount(TransportTest::ClosedPort())};
    Counters counters;
    MailUpload upload;

    ToClosedPort(unsigned int maxRetries, unsigned int retryDelaySeconds) :
      upload(smtp, kFrom, {"referrer@site-b.test"}, mail, Policy(maxRetries, retryDelaySeconds), counters.Events())
    {
    }

    static SmtpRetryPolicy Policy(unsigned int maxRetries, unsigned int retryDelaySeconds)
    {
      SmtpRetryPolicy policy;
      policy.maxRetries = maxRetries;
      policy.retryDelaySeconds = retryDelaySeconds;
      return policy;
    }
  };
}

TEST(SendingMailUpload, RetriesTemporaryFailuresThenFailsNamingTheAttempts)
{
  ToClosedPort fixture(2, 0);
  MailUpload& upload = fixture.upload;
  Counters& counters = fixture.counters;

  ASSERT_EQ(MailUpload::Status::Failed, upload.Wait(std::chrono::seconds(120)));
  EXPECT_NE(std::string::npos, upload.GetFailure().find("mail 1 could not be sent after 3 attempts"))
    << upload.GetFailure();
  EXPECT_EQ(3u, counters.errors.load());
  EXPECT_EQ(2u, counters.retries.load());
  EXPECT_EQ(0u, counters.successes.load());
}

TEST(SendingMailUpload, CancelEndsTheBackOffWait)
{
  ToClosedPort fixture(5, 3600);
  MailUpload& upload = fixture.upload;
  Counters& counters = fixture.counters;

  // The first attempt fails at once; then the upload waits an hour to retry.
  for (int i = 0; i < 600 && upload.GetRetryNote().empty(); i++)
  {
    EXPECT_EQ(MailUpload::Status::Busy, upload.Wait(std::chrono::milliseconds(100)));
  }
  ASSERT_NE("", upload.GetRetryNote());
  EXPECT_EQ(MailUpload::Status::Busy, upload.Wait(std::chrono::milliseconds(200)));

  upload.Cancel();
  EXPECT_EQ(MailUpload::Status::Failed, upload.Wait(std::chrono::seconds(60)));
  EXPECT_EQ(1u, counters.retries.load());
}

TEST(SendingMailUpload, CancelStopsAnUploadTheServerNeverAnswers)
{
  TransportTest::SilentServer server;
  ReadyMail mail = OneFileMail(kDirectory);
  SmtpSender smtp(PlainAccount(server.GetPort()));
  Counters counters;
  MailUpload upload(smtp, kFrom, {"referrer@site-b.test"}, mail, SmtpRetryPolicy(), counters.Events());

  EXPECT_EQ(MailUpload::Status::Busy, upload.Wait(std::chrono::milliseconds(500)));
  upload.Cancel();
  EXPECT_EQ(MailUpload::Status::Failed, upload.Wait(std::chrono::seconds(60)));
  EXPECT_EQ(0u, counters.retries.load());   // a cancel is not retried
}
