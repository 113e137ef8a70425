// SPDX-License-Identifier: GPL-3.0-or-later
// SmtpSender against the real Postfix of IntegrationTests/harness/mailstack.sh.

#include "Core/Transport/ImapMailbox.h"
#include "Core/Transport/SmtpSender.h"
#include "UnitTests/TransportTestSupport.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <chrono>
#include <iostream>

using namespace DicomMail;
using namespace TransportTest;

namespace
{
  const std::string HOSPITAL = "hospital@hospital.test";
  const std::string REFERRER = "referrer@referrer.test";
  const std::string EHLO = "orthanc.hospital.test";

  // Peak resident memory of this process so far, in KiB.
  long PeakRssKiB()
  {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
  }

  double Seconds(std::chrono::steady_clock::time_point start)
  {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  // Fetches the mail with "token" from the referrer's INBOX over IMAPS,
  // checks it byte for byte against the generated original, then deletes it.
  void ExpectDeliveredIdentical(const std::string& token, uint64_t size, double* fetchSeconds = nullptr)
  {
    ImapMailbox inbox(Account("imaps", REFERRER));
    const uint32_t uid = WaitForDelivery(inbox, token);

    GeneratedMessage expected(token, HOSPITAL, REFERRER, size);
    ComparingSink sink(expected, token, size);
    const auto start = std::chrono::steady_clock::now();
    inbox.Fetch(uid, sink);
    if (fetchSeconds != nullptr)
    {
      *fetchSeconds = Seconds(start);
    }
    EXPECT_TRUE(sink.Matches()) << sink.Describe();
    EXPECT_NE(std::string::npos, sink.GetServerPrefix().find("Received:")) << "Postfix adds a Received line";

    inbox.Delete(uid);
    EXPECT_TRUE(inbox.ListUids("UID " + std::to_string(uid)).empty());
  }

  SmtpResult SendGenerated(SmtpSender& sender, const std::string& token, uint64_t size)
  {
    GeneratedMessage message(token, HOSPITAL, REFERRER, size);
    return sender.Send(HOSPITAL, { REFERRER }, message, size);
  }
}


TEST(TransportSmtp, StartTlsWithAuthDelivers)
{
  MailAccount account = Account("smtp", HOSPITAL);
  ASSERT_TRUE(account.requireTls);   // STARTTLS is required (CURLUSESSL_ALL) by default
  SmtpSender sender(account, EHLO);

  const std::string token = UniqueToken("smtp-starttls");
  const SmtpResult result = SendGenerated(sender, token, 20000);
  ASSERT_TRUE(result.ok) << result.message;
  EXPECT_FALSE(result.permanent || result.temporary || result.cancelled);
  EXPECT_EQ(250, result.responseCode);
  EXPECT_NE(std::string::npos, result.serverReply.find("queued as")) << result.serverReply;

  ExpectDeliveredIdentical(token, 20000);
}


TEST(TransportSmtp, ImplicitTlsDelivers)
{
  SmtpSender sender(Account("smtps", HOSPITAL), EHLO);
  const std::string token = UniqueToken("smtp-implicit");
  const SmtpResult result = SendGenerated(sender, token, 5000);
  ASSERT_TRUE(result.ok) << result.message;
  EXPECT_EQ(250, result.responseCode);
  ExpectDeliveredIdentical(token, 5000);
}


TEST(TransportSmtp, EhloNameFromConfigurationReachesServer)
{
  SmtpSender sender(Account("smtps", HOSPITAL), "ehlo-check.hospital.test");
  const std::string token = UniqueToken("smtp-ehlo");
  ASSERT_TRUE(SendGenerated(sender, token, 3000).ok);

  ImapMailbox inbox(Account("imaps", REFERRER));
  const uint32_t uid = WaitForDelivery(inbox, token);
  const std::string headers = inbox.FetchHeaders(uid);
  // Postfix records the EHLO name in the Received line it adds.
  EXPECT_NE(std::string::npos, headers.find("from ehlo-check.hospital.test")) << headers;
  inbox.Delete(uid);

  EXPECT_THROW(SmtpSender(Account("smtps", HOSPITAL), "bad name"), Error);
  EXPECT_THROW(SmtpSender(Account("imaps", HOSPITAL), EHLO), Error);
}


TEST(TransportSmtp, SeveralSendsReuseOneConnection)
{
  SmtpSender sender(Account("smtp", HOSPITAL), EHLO);
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; i++)
  {
    tokens.push_back(UniqueToken("smtp-reuse"));
    const SmtpResult result = SendGenerated(sender, tokens.back(), 4000 + i);
    ASSERT_TRUE(result.ok) << result.message;
    EXPECT_EQ(i > 0, result.reusedConnection) << "send " << i;
  }

  // After Close() the next send connects again, and still works.
  sender.Close();
  tokens.push_back(UniqueToken("smtp-reuse"));
  const SmtpResult again = SendGenerated(sender, tokens.back(), 4100);
  ASSERT_TRUE(again.ok) << again.message;
  EXPECT_FALSE(again.reusedConnection);

  for (size_t i = 0; i < tokens.size(); i++)
  {
    ExpectDeliveredIdentical(tokens[i], i < 3 ? 4000 + i : 4100);
  }
}


TEST(TransportSmtp, WrongPasswordIsPermanent535)
{
  MailAccount account = Account("smtp", HOSPITAL);
  account.password = "not-the-password";
  SmtpSender sender(account, EHLO);

  const SmtpResult result = SendGenerated(sender, UniqueToken("smtp-badpw"), 2000);
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.permanent);
  EXPECT_FALSE(result.temporary);
  EXPECT_EQ(535, result.responseCode);
  EXPECT_NE(std::string::npos, result.message.find("authentication failed")) << result.message;
  EXPECT_NE(std::string::npos, result.message.find("535")) << result.message;
  EXPECT_EQ(std::string::npos, result.message.find("not-the-password")) << "the password must never show";
}


TEST(TransportSmtp, UnknownRecipientIsPermanent550)
{
  SmtpSender sender(Account("smtp", HOSPITAL), EHLO);
  GeneratedMessage message(UniqueToken("smtp-norcpt"), HOSPITAL, "nobody@referrer.test", 2000);
  const SmtpResult result = sender.Send(HOSPITAL, { "nobody@referrer.test" }, message, 2000);
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.permanent);
  EXPECT_EQ(550, result.responseCode);
  EXPECT_EQ(0u, result.serverReply.find("550")) << result.serverReply;
  EXPECT_NE(std::string::npos, result.message.find("<nobody@referrer.test>")) << result.message;
  EXPECT_NE(std::string::npos, result.message.find("Recipient address rejected")) << result.message;

  // The same object still sends afterwards.
  const std::string token = UniqueToken("smtp-after-550");
  ASSERT_TRUE(SendGenerated(sender, token, 2500).ok);
  ExpectDeliveredIdentical(token, 2500);
}


TEST(TransportSmtp, WrongCaIsPermanentTlsError)
{
  for (const char* scheme : { "smtp", "smtps" })
  {
    MailAccount account = Account(scheme, HOSPITAL);
    account.caFile = GetStack().otherCa;
    SmtpSender sender(account, EHLO);
    const SmtpResult result = SendGenerated(sender, UniqueToken("smtp-wrongca"), 2000);
    EXPECT_FALSE(result.ok) << scheme;
    EXPECT_TRUE(result.permanent) << scheme;
    EXPECT_NE(std::string::npos, result.message.find("TLS certificate verification failed")) << result.message;
    EXPECT_NE(std::string::npos, result.message.find("other-ca.pem")) << result.message;
  }
}


TEST(TransportSmtp, MissingCaFileIsPermanent)
{
  MailAccount account = Account("smtps", HOSPITAL);
  account.caFile = GetStack().dir + "/tls/no-such-ca.pem";
  SmtpSender sender(account, EHLO);
  const SmtpResult result = SendGenerated(sender, UniqueToken("smtp-noca"), 2000);
  EXPECT_TRUE(result.permanent) << result.message;
  EXPECT_NE(std::string::npos, result.message.find("no-such-ca.pem")) << result.message;
}


TEST(TransportSmtp, ClosedPortIsTemporaryWithReason)
{
  MailAccount account = Account("smtp", HOSPITAL);
  account.url = "smtp://127.0.0.1:" + std::to_string(ClosedPort());
  SmtpSender sender(account, EHLO);
  const SmtpResult result = SendGenerated(sender, UniqueToken("smtp-closed"), 2000);
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.temporary);
  EXPECT_FALSE(result.permanent);
  EXPECT_EQ(0, result.responseCode);
  EXPECT_NE(std::string::npos, result.message.find("cannot connect")) << result.message;
  EXPECT_NE(std::string::npos, result.message.find(account.url)) << result.message;
}


TEST(TransportSmtp, HungServerTimesOutAsTemporary)
{
  SilentServer server;
  MailAccount account = Account("smtp", HOSPITAL);
  account.url = "smtp://127.0.0.1:" + std::to_string(server.GetPort());
  account.responseTimeoutSeconds = 1;
  SmtpSender sender(account, EHLO);
  const auto start = std::chrono::steady_clock::now();
  const SmtpResult result = SendGenerated(sender, UniqueToken("smtp-hung"), 2000);
  EXPECT_TRUE(result.temporary) << result.message;
  EXPECT_NE(std::string::npos, result.message.find("timed out")) << result.message;
  EXPECT_LT(Seconds(start), 5.0);
}


TEST(TransportSmtp, CancelAbortsWithinASecond)
{
  // The server never greets: the only way out before the timeouts is the
  // progress callback, which libcurl calls about once a second while idle.
  SilentServer server;
  MailAccount account = Account("smtp", HOSPITAL);
  account.url = "smtp://127.0.0.1:" + std::to_string(server.GetPort());
  SmtpSender sender(account, EHLO);

  const auto start = std::chrono::steady_clock::now();
  GeneratedMessage message(UniqueToken("smtp-cancel"), HOSPITAL, REFERRER, 2000);
  const SmtpResult result = sender.Send(HOSPITAL, { REFERRER }, message, 2000,
                                        [&](uint64_t, uint64_t) { return Seconds(start) < 0.5; });
  const double elapsed = Seconds(start);
  EXPECT_TRUE(result.cancelled) << result.message;
  EXPECT_FALSE(result.ok || result.permanent || result.temporary);
  EXPECT_GE(elapsed, 0.5);
  EXPECT_LT(elapsed, 2.0);
}


TEST(TransportSmtp, CancelDuringUploadSendsNothing)
{
  SmtpSender sender(Account("smtp", HOSPITAL), EHLO);
  const std::string token = UniqueToken("smtp-cancel-upload");
  const uint64_t size = 20 * 1000 * 1000;
  GeneratedMessage message(token, HOSPITAL, REFERRER, size);
  uint64_t seen = 0;
  const SmtpResult result = sender.Send(HOSPITAL, { REFERRER }, message, size,
                                        [&](uint64_t done, uint64_t) { seen = done; return done < 2000000; });
  EXPECT_TRUE(result.cancelled) << result.message;
  EXPECT_GE(seen, 2000000u);
  EXPECT_LT(seen, size);

  // The cut-off mail never reaches the mailbox; a later send does.
  const std::string next = UniqueToken("smtp-after-cancel");
  ASSERT_TRUE(SendGenerated(sender, next, 3000).ok);
  ExpectDeliveredIdentical(next, 3000);
  ImapMailbox inbox(Account("imaps", REFERRER));
  EXPECT_TRUE(inbox.ListUids("HEADER X-Transport-Test " + ImapMailbox::Quote(token)).empty());
}


TEST(TransportSmtp, AnnouncedSizeOverLimitRefusedBeforeUpload)
{
  // Postfix's limit here is 1 GiB. SIZE= makes it refuse at MAIL FROM, so
  // not one byte of the (never generated) 2 GiB is read.
  class UntouchableSource : public ByteSource
  {
  public:
    size_t Read(void*, size_t) override
    {
      throw Error(ErrorKind::Internal, "the source must not be read");
    }
  };

  SmtpSender sender(Account("smtp", HOSPITAL), EHLO);
  UntouchableSource source;
  const SmtpResult result = sender.Send(HOSPITAL, { REFERRER }, source, 2ull * 1024 * 1024 * 1024);
  EXPECT_TRUE(result.permanent) << result.message;
  EXPECT_EQ(552, result.responseCode) << result.message;
}


TEST(TransportSmtp, SourceSizeMismatchIsRefused)
{
  SmtpSender sender(Account("smtp", HOSPITAL), EHLO);

  const std::string shortToken = UniqueToken("smtp-short");
  GeneratedMessage shortMessage(shortToken, HOSPITAL, REFERRER, 3000);
  try
  {
    sender.Send(HOSPITAL, { REFERRER }, shortMessage, 4000);
    ADD_FAILURE() << "a source shorter than announced must fail";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("3000 of the 4000")) << e.what();
  }

  const std::string longToken = UniqueToken("smtp-long");
  GeneratedMessage longMessage(longToken, HOSPITAL, REFERRER, 3000);
  try
  {
    sender.Send(HOSPITAL, { REFERRER }, longMessage, 2000);
    ADD_FAILURE() << "a source longer than announced must fail";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
  }

  // Neither truncated mail was accepted.
  const std::string probe = UniqueToken("smtp-after-mismatch");
  ASSERT_TRUE(SendGenerated(sender, probe, 2000).ok);
  ExpectDeliveredIdentical(probe, 2000);
  ImapMailbox inbox(Account("imaps", REFERRER));
  EXPECT_TRUE(inbox.ListUids("HEADER X-Transport-Test " + ImapMailbox::Quote(shortToken)).empty());
  EXPECT_TRUE(inbox.ListUids("HEADER X-Transport-Test " + ImapMailbox::Quote(longToken)).empty());
}


TEST(TransportSmtp, BadAddressesAreRefusedLocally)
{
  SmtpSender sender(Account("smtp", HOSPITAL), EHLO);
  StringSource source("x");
  EXPECT_THROW(sender.Send(HOSPITAL, {}, source, 1), Error);
  EXPECT_THROW(sender.Send(HOSPITAL, { "a@b> NOTIFY=NEVER" }, source, 1), Error);
  EXPECT_THROW(sender.Send("x@y\r\nRCPT TO:<z@w>", { REFERRER }, source, 1), Error);
  EXPECT_THROW(sender.Send(HOSPITAL, { "no-domain" }, source, 1), Error);
}


TEST(TransportSmtp, Streamed30MBArrivesByteIdentical)
{
  const uint64_t size = 30 * 1000 * 1000;
  SmtpSender sender(Account("smtp", HOSPITAL), EHLO);
  const std::string token = UniqueToken("smtp-30mb");
  GeneratedMessage message(token, HOSPITAL, REFERRER, size);

  uint64_t lastDone = 0, lastTotal = 0;
  unsigned int calls = 0;
  const SmtpResult result = sender.Send(HOSPITAL, { REFERRER }, message, size,
                                        [&](uint64_t done, uint64_t total)
                                        {
                                          EXPECT_GE(done, lastDone);
                                          lastDone = done;
                                          lastTotal = total;
                                          calls++;
                                          return true;
                                        });
  ASSERT_TRUE(result.ok) << result.message;
  EXPECT_EQ(size, lastTotal);
  EXPECT_GE(lastDone, size);   // libcurl counts the dot-stuffing too
  EXPECT_GT(calls, 10u);

  ExpectDeliveredIdentical(token, size);
}


TEST(TransportSmtp, Throughput100MB)
{
  const uint64_t size = 100 * 1000 * 1000;
  const long peakBefore = PeakRssKiB();
  SmtpSender sender(Account("smtp", HOSPITAL), EHLO);
  const std::string token = UniqueToken("smtp-100mb");
  GeneratedMessage message(token, HOSPITAL, REFERRER, size);

  const auto start = std::chrono::steady_clock::now();
  const SmtpResult result = sender.Send(HOSPITAL, { REFERRER }, message, size);
  const double uploadSeconds = Seconds(start);
  ASSERT_TRUE(result.ok) << result.message;

  double fetchSeconds = 0;
  ExpectDeliveredIdentical(token, size, &fetchSeconds);

  // Streamed both ways: the peak memory grows by buffers, not by the mail.
  EXPECT_LT(PeakRssKiB() - peakBefore, 40 * 1024) << "KiB";

  std::cout << "[ throughput ] SMTP (STARTTLS+AUTH) upload of 100 MB: " << uploadSeconds << " s, "
            << size / 1e6 / uploadSeconds << " MB/s (including generating the data)" << std::endl;
  std::cout << "[ throughput ] IMAPS fetch of the same mail: " << fetchSeconds << " s, "
            << size / 1e6 / fetchSeconds << " MB/s (including the byte comparison)" << std::endl;
  RecordProperty("SmtpUploadMBps", static_cast<int>(size / 1e6 / uploadSeconds));
  RecordProperty("ImapsFetchMBps", static_cast<int>(size / 1e6 / fetchSeconds));
}
