// SPDX-License-Identifier: GPL-3.0-or-later
// ImapMailbox against the real Dovecot of IntegrationTests/harness/mailstack.sh.

#include "Core/Transport/ImapMailbox.h"
#include "UnitTests/TransportTestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

using namespace DicomMail;
using namespace TransportTest;

namespace
{
  const std::string HOSPITAL = "hospital@hospital.test";
  const std::string CLINIC = "clinic@clinic.test";

  std::string Generate(const std::string& token, uint64_t size, const std::string& subject = "")
  {
    GeneratedMessage message(token, CLINIC, HOSPITAL, size, subject);
    StringSink sink;
    CopyStream(message, sink);
    return sink.GetContent();
  }

  std::string SearchToken(const std::string& token)
  {
    return "HEADER X-Transport-Test " + ImapMailbox::Quote(token);
  }

  bool Has(const std::vector<std::string>& flags, const std::string& flag)
  {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
  }
}


TEST(TransportImap, RoundTripListFetchFlagMoveDelete)
{
  // imap:// with STARTTLS required.
  ImapMailbox inbox(Account("imap", HOSPITAL), "INBOX");
  const std::string token = UniqueToken("imap-roundtrip");
  const std::string content = Generate(token, 50000);

  StringSource source(content);
  const uint32_t uid = inbox.Append("INBOX", source, content.size());
  ASSERT_GT(uid, 0u);
  EXPECT_EQ(std::vector<uint32_t>{ uid }, inbox.ListUids(SearchToken(token)));
  const std::vector<uint32_t> all = inbox.ListUids();
  EXPECT_TRUE(std::binary_search(all.begin(), all.end(), uid));

  const std::string headers = inbox.FetchHeaders(uid);
  EXPECT_EQ(0u, headers.find(GeneratedMessage::Marker(token)));
  EXPECT_EQ(content.substr(0, content.find("\r\n\r\n") + 4), headers);

  StringSink fetched;
  inbox.Fetch(uid, fetched);
  EXPECT_EQ(content, fetched.GetContent());

  EXPECT_FALSE(Has(inbox.GetFlags(uid), "$Imported"));
  inbox.AddFlag(uid, "$Imported");
  inbox.AddFlag(uid, "\\Flagged");
  const std::vector<std::string> flags = inbox.GetFlags(uid);
  EXPECT_TRUE(Has(flags, "$Imported"));
  EXPECT_TRUE(Has(flags, "\\Flagged"));
  EXPECT_TRUE(Has(flags, "\\Seen"));   // libcurl appends with \Seen
  EXPECT_EQ(std::vector<uint32_t>{ uid }, inbox.ListUids("KEYWORD $Imported " + SearchToken(token)));
  EXPECT_TRUE(inbox.ListUids("NOT KEYWORD $Imported " + SearchToken(token)).empty());
  EXPECT_THROW(inbox.AddFlag(uid, "bad flag"), Error);

  // Move into a folder that does not exist yet: it is created.
  const std::string folder = "Transport Test " + token;   // a space: quoting and URL escaping
  inbox.Move(uid, folder);
  EXPECT_TRUE(inbox.ListUids(SearchToken(token)).empty());
  inbox.Move(uid, folder);   // again: a no-op, not an error (restartable jobs)

  ImapMailbox moved(Account("imap", HOSPITAL), folder);
  const std::vector<uint32_t> there = moved.ListUids(SearchToken(token));
  ASSERT_EQ(1u, there.size());
  StringSink movedContent;
  moved.Fetch(there[0], movedContent);
  EXPECT_EQ(content, movedContent.GetContent());
  EXPECT_TRUE(Has(moved.GetFlags(there[0]), "$Imported"));   // keywords travel with the message

  moved.Delete(there[0]);
  EXPECT_TRUE(moved.ListUids().empty());
  moved.Delete(there[0]);   // again: a no-op

  moved.Close();
  inbox.DeleteFolder(folder);
  inbox.DeleteFolder(folder);   // again: a no-op
  try
  {
    moved.ListUids();
    ADD_FAILURE() << "the folder was deleted";
  }
  catch (const TransportError& e)
  {
    EXPECT_TRUE(e.IsPermanent()) << e.what();
    EXPECT_NE(std::string::npos, e.GetServerReply().find("NO")) << e.GetServerReply();
  }
}


TEST(TransportImap, ImapsUidValidityAndMissingMessage)
{
  ImapMailbox inbox(Account("imaps", HOSPITAL));
  const uint32_t validity = inbox.GetUidValidity();
  EXPECT_GT(validity, 0u);
  EXPECT_EQ(validity, inbox.GetUidValidity());

  StringSink sink;
  try
  {
    inbox.Fetch(4000000000u, sink);
    ADD_FAILURE() << "UID 4000000000 does not exist";
  }
  catch (const TransportError& e)
  {
    EXPECT_TRUE(e.IsPermanent()) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("UID 4000000000")) << e.what();
  }
  EXPECT_THROW(inbox.GetFlags(4000000000u), TransportError);

  // The mailbox still works after the failure (libcurl reconnects).
  const std::string token = UniqueToken("imaps-after-missing");
  const std::string content = Generate(token, 3000);
  StringSource source(content);
  const uint32_t uid = inbox.Append("INBOX", source, content.size());
  StringSink fetched;
  inbox.Fetch(uid, fetched);
  EXPECT_EQ(content, fetched.GetContent());
  inbox.Delete(uid);
}


TEST(TransportImap, QuotedSearchWithPercentAndQuotes)
{
  ImapMailbox inbox(Account("imaps", HOSPITAL));
  const std::string token = UniqueToken("imap-quote");
  const std::string subject = "100% \"sure\" \\ " + token;
  const std::string content = Generate(token, 3000, subject);
  StringSource source(content);
  const uint32_t uid = inbox.Append("INBOX", source, content.size());

  EXPECT_EQ(std::vector<uint32_t>{ uid }, inbox.ListUids("SUBJECT " + ImapMailbox::Quote(subject)));
  EXPECT_TRUE(inbox.ListUids("SUBJECT " + ImapMailbox::Quote("100%25 " + token)).empty());
  EXPECT_THROW(inbox.ListUids("ALL\r\nA1 LOGOUT"), Error);
  inbox.Delete(uid);
}


TEST(TransportImap, WrongPasswordIsPermanent)
{
  MailAccount account = Account("imaps", HOSPITAL);
  account.password = "wrong-imap-password";
  ImapMailbox inbox(account);
  try
  {
    inbox.ListUids();
    ADD_FAILURE() << "login must fail";
  }
  catch (const TransportError& e)
  {
    EXPECT_TRUE(e.IsPermanent()) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("authentication failed")) << e.what();
    EXPECT_NE(std::string::npos, e.GetServerReply().find("AUTHENTICATIONFAILED")) << e.GetServerReply();
    EXPECT_EQ(std::string::npos, std::string(e.what()).find("wrong-imap-password"));
  }
}


TEST(TransportImap, WrongCaIsPermanent)
{
  MailAccount account = Account("imaps", HOSPITAL);
  account.caFile = GetStack().otherCa;
  ImapMailbox inbox(account);
  try
  {
    inbox.GetUidValidity();
    ADD_FAILURE() << "verification against an unrelated CA must fail";
  }
  catch (const TransportError& e)
  {
    EXPECT_TRUE(e.IsPermanent()) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("TLS certificate verification failed")) << e.what();
  }
}


TEST(TransportImap, StoppedServerIsTemporary)
{
  MailAccount account = Account("imaps", HOSPITAL);
  account.url = "imaps://127.0.0.1:" + std::to_string(ClosedPort());
  ImapMailbox inbox(account);
  try
  {
    inbox.ListUids();
    ADD_FAILURE() << "nobody listens there";
  }
  catch (const TransportError& e)
  {
    EXPECT_TRUE(e.IsTemporary()) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("cannot connect")) << e.what();
  }
}


TEST(TransportImap, CancelDuringFetchStopsTheStream)
{
  ImapMailbox inbox(Account("imaps", HOSPITAL));
  const std::string token = UniqueToken("imap-cancel");
  const uint64_t size = 20 * 1000 * 1000;
  GeneratedMessage message(token, CLINIC, HOSPITAL, size);
  const uint32_t uid = inbox.Append("INBOX", message, size);

  uint64_t total = 0;
  inbox.SetProgress([&](uint64_t done, uint64_t all) { total = all; return done < 1000000; });
  CountingSink sink;
  try
  {
    inbox.Fetch(uid, sink);
    ADD_FAILURE() << "the fetch was cancelled";
  }
  catch (const TransportError& e)
  {
    EXPECT_TRUE(e.IsCancelled()) << e.what();
  }
  EXPECT_EQ(size, total);   // the literal's size is known up front
  EXPECT_GE(sink.GetCount(), 1000000u);
  EXPECT_LT(sink.GetCount(), size);

  inbox.SetProgress(TransferProgress());
  inbox.Delete(uid);
  EXPECT_TRUE(inbox.ListUids(SearchToken(token)).empty());
}


TEST(TransportImap, CancelWhileServerIsSilentWithinASecond)
{
  SilentServer server;
  MailAccount account = Account("imap", HOSPITAL);
  account.url = "imap://127.0.0.1:" + std::to_string(server.GetPort());
  ImapMailbox inbox(account);
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  inbox.SetProgress([&](uint64_t, uint64_t) { return elapsed() < 0.5; });
  try
  {
    inbox.ListUids();
    ADD_FAILURE() << "must be cancelled";
  }
  catch (const TransportError& e)
  {
    EXPECT_TRUE(e.IsCancelled()) << e.what();
  }
  EXPECT_GE(elapsed(), 0.5);
  EXPECT_LT(elapsed(), 2.0);
}


TEST(TransportImap, SinkErrorsPropagateUnchanged)
{
  class FailingSink : public ByteSink
  {
  public:
    using ByteSink::Write;
    void Write(const void*, size_t) override
    {
      throw Error(ErrorKind::Storage, "disk full (test)");
    }
  };

  ImapMailbox inbox(Account("imaps", HOSPITAL));
  const std::string token = UniqueToken("imap-sinkerror");
  const std::string content = Generate(token, 3000);
  StringSource source(content);
  const uint32_t uid = inbox.Append("INBOX", source, content.size());

  FailingSink sink;
  try
  {
    inbox.Fetch(uid, sink);
    ADD_FAILURE() << "the sink failed";
  }
  catch (const TransportError& e)
  {
    ADD_FAILURE() << "a sink error is not a transport error: " << e.what();
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Storage, e.GetKind());
    EXPECT_STREQ("disk full (test)", e.what());
  }
  inbox.Delete(uid);
}


TEST(TransportImap, FetchHeadersIsBounded)
{
  ImapMailbox inbox(Account("imaps", HOSPITAL));
  const std::string token = UniqueToken("imap-headerlimit");
  const std::string content = Generate(token, 3000);
  StringSource source(content);
  const uint32_t uid = inbox.Append("INBOX", source, content.size());
  try
  {
    inbox.FetchHeaders(uid, 50);
    ADD_FAILURE() << "the header is longer than 50 bytes";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::LimitExceeded, e.GetKind());
  }
  inbox.Delete(uid);
}


TEST(TransportImap, BadConfigurationIsRefused)
{
  MailAccount account = Account("imaps", HOSPITAL);
  account.url = "ftp://127.0.0.1/";
  EXPECT_THROW(ImapMailbox mailbox(account), Error);
  account.url = "imaps://";
  EXPECT_THROW(ImapMailbox mailbox(account), Error);
  EXPECT_THROW(ImapMailbox mailbox(Account("imaps", HOSPITAL), ""), Error);
  EXPECT_THROW(ImapMailbox mailbox(Account("imaps", HOSPITAL), "Ärzte"), Error);
}
