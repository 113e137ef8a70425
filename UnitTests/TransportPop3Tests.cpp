// SPDX-License-Identifier: GPL-3.0-or-later
// Pop3Mailbox against the real Dovecot of IntegrationTests/harness/mailstack.sh.
// Messages are put in place over IMAP (APPEND), which also tells their UID.

#include "Core/Transport/ImapMailbox.h"
#include "Core/Transport/Pop3Mailbox.h"
#include "UnitTests/TransportTestSupport.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <strings.h>

using namespace DicomMail;
using namespace TransportTest;

namespace
{
  const std::string CLINIC = "clinic@clinic.test";
  const std::string REFERRER = "referrer@referrer.test";

  struct Placed
  {
    std::string token;
    std::string content;
    uint32_t uid;
    std::string uidl;   // as Dovecot derives it (pop3_uidl_format = %08Xu%08Xv)
  };

  Placed Place(const std::string& prefix, uint64_t size)
  {
    Placed placed;
    placed.token = UniqueToken(prefix);
    GeneratedMessage message(placed.token, REFERRER, CLINIC, size);
    StringSink sink;
    CopyStream(message, sink);
    placed.content = sink.GetContent();

    ImapMailbox inbox(Account("imaps", CLINIC));
    StringSource source(placed.content);
    placed.uid = inbox.Append("INBOX", source, placed.content.size());
    char uidl[32];
    snprintf(uidl, sizeof(uidl), "%08x%08x", placed.uid, inbox.GetUidValidity());
    placed.uidl = uidl;
    return placed;
  }

  const Pop3Mailbox::Entry* Find(const std::vector<Pop3Mailbox::Entry>& entries, const std::string& uidl)
  {
    for (const Pop3Mailbox::Entry& entry : entries)
    {
      if (strcasecmp(entry.uidl.c_str(), uidl.c_str()) == 0)
      {
        return &entry;
      }
    }
    return nullptr;
  }

  bool StillInImap(const Placed& placed)
  {
    ImapMailbox inbox(Account("imaps", CLINIC));
    return !inbox.ListUids("HEADER X-Transport-Test " + ImapMailbox::Quote(placed.token)).empty();
  }

  void RemoveOverImap(const Placed& placed)
  {
    ImapMailbox inbox(Account("imaps", CLINIC));
    inbox.Delete(placed.uid);
  }
}


TEST(TransportPop3, Pop3sListRetrieveDeleteCommit)
{
  const Placed placed = Place("pop3-roundtrip", 200000);

  Pop3Mailbox mailbox(Account("pop3s", CLINIC));
  const std::vector<Pop3Mailbox::Entry> entries = mailbox.ListUidl();
  const Pop3Mailbox::Entry* entry = Find(entries, placed.uidl);
  ASSERT_NE(nullptr, entry) << "UIDL " << placed.uidl << " not among " << entries.size() << " messages";
  EXPECT_GT(entry->number, 0u);

  StringSink retrieved;
  mailbox.Retrieve(*entry, retrieved);
  EXPECT_EQ(placed.content, retrieved.GetContent());   // incl. the "." lines: libcurl un-stuffs

  mailbox.Delete(*entry);
  EXPECT_TRUE(mailbox.HasPendingDeletions());
  EXPECT_EQ(nullptr, Find(mailbox.ListUidl(), placed.uidl)) << "this session no longer lists it";
  EXPECT_TRUE(StillInImap(placed)) << "not before QUIT";

  mailbox.Commit();
  EXPECT_FALSE(mailbox.HasPendingDeletions());
  EXPECT_FALSE(StillInImap(placed));
  EXPECT_EQ(nullptr, Find(mailbox.ListUidl(), placed.uidl));   // a new session
}


TEST(TransportPop3, DeleteWithoutCommitIsUndone)
{
  const Placed placed = Place("pop3-rollback", 3000);
  {
    Pop3Mailbox mailbox(Account("pop3s", CLINIC));
    const std::vector<Pop3Mailbox::Entry> entries = mailbox.ListUidl();
    const Pop3Mailbox::Entry* entry = Find(entries, placed.uidl);
    ASSERT_NE(nullptr, entry);
    mailbox.Delete(*entry);
    // Destroyed without Commit(): RSET, then QUIT.
  }
  EXPECT_TRUE(StillInImap(placed));

  Pop3Mailbox mailbox(Account("pop3s", CLINIC));
  const std::vector<Pop3Mailbox::Entry> entries = mailbox.ListUidl();
  const Pop3Mailbox::Entry* entry = Find(entries, placed.uidl);
  ASSERT_NE(nullptr, entry);
  mailbox.Delete(*entry);
  mailbox.Close();
  EXPECT_TRUE(StillInImap(placed));

  RemoveOverImap(placed);
}


TEST(TransportPop3, StaleEntryIsRefused)
{
  const Placed deleted = Place("pop3-stale-pending", 3000);
  const Placed target = Place("pop3-stale", 3000);
  Pop3Mailbox mailbox(Account("pop3s", CLINIC));
  const std::vector<Pop3Mailbox::Entry> entries = mailbox.ListUidl();
  const Pop3Mailbox::Entry* pending = Find(entries, deleted.uidl);
  const Pop3Mailbox::Entry* entry = Find(entries, target.uidl);
  ASSERT_NE(nullptr, pending);
  ASSERT_NE(nullptr, entry);
  mailbox.Delete(*pending);

  // The right number with another UIDL, as after a renumbering.
  const Pop3Mailbox::Entry stale{ entry->number, "not-this-message" };
  StringSink sink;
  for (int i = 0; i < 2; i++)
  {
    try
    {
      if (i == 0)
      {
        mailbox.Retrieve(stale, sink);
      }
      else
      {
        mailbox.Delete(stale);
      }
      ADD_FAILURE() << "a stale entry must be refused";
    }
    catch (const TransportError& e)
    {
      EXPECT_TRUE(e.IsTemporary()) << e.what();
      EXPECT_NE(std::string::npos, std::string(e.what()).find("list again")) << e.what();
    }
  }
  EXPECT_TRUE(sink.GetContent().empty());
  EXPECT_TRUE(mailbox.HasPendingDeletions()) << "the refusal keeps the session and its pending DELE";
  mailbox.Close();
  EXPECT_TRUE(StillInImap(deleted)) << "Close() undid the pending DELE";
  EXPECT_TRUE(StillInImap(target));

  // A number beyond the maildrop: the server's -ERR.
  try
  {
    mailbox.Retrieve(Pop3Mailbox::Entry{ 999999, "x" }, sink);
    ADD_FAILURE() << "no message 999999";
  }
  catch (const TransportError& e)
  {
    EXPECT_TRUE(e.IsPermanent()) << e.what();
    EXPECT_EQ(0u, e.GetServerReply().find("-ERR")) << e.GetServerReply();
  }
  RemoveOverImap(deleted);
  RemoveOverImap(target);
}


TEST(TransportPop3, PlainPortWithRequiredStls)
{
  const Placed placed = Place("pop3-stls", 3000);
  MailAccount account = Account("pop3", CLINIC);
  ASSERT_TRUE(account.requireTls);
  Pop3Mailbox mailbox(account);
  const std::vector<Pop3Mailbox::Entry> entries = mailbox.ListUidl();
  const Pop3Mailbox::Entry* entry = Find(entries, placed.uidl);
  ASSERT_NE(nullptr, entry);
  StringSink retrieved;
  mailbox.Retrieve(*entry, retrieved);
  EXPECT_EQ(placed.content, retrieved.GetContent());
  RemoveOverImap(placed);
}


TEST(TransportPop3, WrongPasswordIsPermanent)
{
  MailAccount account = Account("pop3s", CLINIC);
  account.password = "wrong-pop3-password";
  Pop3Mailbox mailbox(account);
  try
  {
    mailbox.ListUidl();
    ADD_FAILURE() << "login must fail";
  }
  catch (const TransportError& e)
  {
    EXPECT_TRUE(e.IsPermanent()) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("authentication failed")) << e.what();
    EXPECT_EQ(std::string::npos, std::string(e.what()).find("wrong-pop3-password"));
  }
}


TEST(TransportPop3, StoppedServerIsTemporary)
{
  MailAccount account = Account("pop3s", CLINIC);
  account.url = "pop3s://127.0.0.1:" + std::to_string(ClosedPort());
  Pop3Mailbox mailbox(account);
  try
  {
    mailbox.ListUidl();
    ADD_FAILURE() << "nobody listens there";
  }
  catch (const TransportError& e)
  {
    EXPECT_TRUE(e.IsTemporary()) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("cannot connect")) << e.what();
  }
}
