// SPDX-License-Identifier: GPL-3.0-or-later
// Claiming mail before import (ImapMailboxSession) against the real Dovecot
// of IntegrationTests/harness/mailstack.sh: two pollers of one mailbox never
// get the same mail.

#include "Core/Polling/ImapMailboxSession.h"
#include "UnitTests/TransportTestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>
#include <stdexcept>
#include <functional>
#include <thread>

using namespace DicomMail;
using namespace TransportTest;

namespace
{
  const std::string HOSPITAL = "hospital@hospital.test";

  // A small mail the candidate search selects (it names a transfer).
  std::string DicomLikeMail(const std::string& token, const std::string& contentType = "multipart/encrypted")
  {
    return "X-Transport-Test: " + token + "\r\n"
      "From: clinic@clinic.test\r\nTo: " + HOSPITAL + "\r\nSubject: DICOM-eMail\r\n"
      "X-TELEMEDICINE-SETID: " + token + "\r\nContent-Type: " + contentType + "\r\n\r\nbody\r\n";
  }

  std::string PersonalMail(const std::string& token)
  {
    return "X-Transport-Test: " + token + "\r\nFrom: someone@clinic.test\r\nSubject: lunch\r\n"
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n";
  }

  IncomingAccountSettings Settings(const std::string& folder)
  {
    IncomingAccountSettings settings;
    settings.folder = folder;
    settings.deleteProcessed = true;
    return settings;
  }

  void Put(ImapMailbox& mailbox, const std::string& content)
  {
    StringSource source(content);
    ASSERT_GT(mailbox.Append(mailbox.GetFolder(), source, content.size()), 0u);
  }

  // The X-Transport-Test tokens of the listed mails.
  std::set<std::string> Tokens(ImapMailboxSession& session, const std::vector<ServerMessage>& messages)
  {
    std::set<std::string> tokens;
    for (const ServerMessage& m : messages)
    {
      StringSink sink;
      session.Fetch(m, sink);
      const std::string& content = sink.GetContent();
      const size_t start = content.find(' ') + 1;
      tokens.insert(content.substr(start, content.find('\r') - start));
    }
    return tokens;
  }

  void FinishAll(ImapMailboxSession& session, const std::vector<ServerMessage>& messages)
  {
    for (const ServerMessage& m : messages)
    {
      session.Finish(m, IMailboxSession::Destination::Processed);
    }
    session.Commit();
  }
}


TEST(TransportImapClaim, TwoPollersNeverGetTheSameMail)
{
  const std::string folder = "ClaimTest-" + UniqueToken("two");
  const MailAccount account = Account("imap", HOSPITAL);
  ImapMailbox inbox(account, folder);
  inbox.CreateFolder(folder);
  std::set<std::string> sent;
  for (int i = 0; i < 12; i++)
  {
    const std::string token = UniqueToken("claim");
    Put(inbox, DicomLikeMail(token));
    sent.insert(token);
  }

  ImapClaimLedger ledgerA(3600), ledgerB(3600);
  ImapMailboxSession a(account, Settings(folder), TransferProgress(), "", ledgerA);
  ImapMailboxSession b(account, Settings(folder), TransferProgress(), "", ledgerB);
  std::vector<ServerMessage> listedA, listedB;
  std::string errorA, errorB;
  auto poll = [](ImapMailboxSession& session, std::vector<ServerMessage>& listed, std::string& error)
  {
    try
    {
      listed = session.ListCandidates();
    }
    catch (const std::exception& e)
    {
      error = e.what();
    }
  };
  std::thread threadA(poll, std::ref(a), std::ref(listedA), std::ref(errorA));
  std::thread threadB(poll, std::ref(b), std::ref(listedB), std::ref(errorB));
  threadA.join();
  threadB.join();
  ASSERT_EQ("", errorA);
  ASSERT_EQ("", errorB);

  const std::set<std::string> gotA = Tokens(a, listedA);
  const std::set<std::string> gotB = Tokens(b, listedB);
  EXPECT_EQ(12u, listedA.size() + listedB.size());
  std::set<std::string> all(gotA);
  all.insert(gotB.begin(), gotB.end());
  EXPECT_EQ(sent, all);
  for (const std::string& token : gotA)
  {
    EXPECT_EQ(0u, gotB.count(token)) << token << " claimed by both";
  }
  EXPECT_TRUE(inbox.ListUids("ALL").empty()) << "every mail is claimed";

  // A poll again: each keeps its own claims, the other's stay foreign.
  EXPECT_EQ(listedA.size(), a.ListCandidates().size());
  EXPECT_EQ(listedB.size(), b.ListCandidates().size());

  FinishAll(a, listedA);
  FinishAll(b, listedB);
  EXPECT_TRUE(a.ListCandidates().empty());
  EXPECT_TRUE(b.ListCandidates().empty());
  inbox.DeleteFolder(folder);
}

TEST(TransportImapClaim, ClaimsOfAKilledPollerAreAdoptedByItsSiteOrComeBackAfterTheTimeout)
{
  const std::string folder = "ClaimTest-" + UniqueToken("stale");
  const MailAccount account = Account("imap", HOSPITAL);
  ImapMailbox inbox(account, folder);
  inbox.CreateFolder(folder);
  const std::string token = UniqueToken("stale");
  Put(inbox, DicomLikeMail(token));

  // What a poller of site "a1b2" killed between claim and import leaves: the lock, the move, its mark.
  const uint32_t uid = inbox.ListUids("HEADER X-Transport-Test " + ImapMailbox::Quote(token)).at(0);
  ASSERT_TRUE(inbox.AddKeywordFirst(uid, ImapMailboxSession::kClaimKeyword));
  EXPECT_FALSE(inbox.AddKeywordFirst(uid, ImapMailboxSession::kClaimKeyword)) << "a lock is taken once";
  const uint32_t claimedUid = inbox.Move(uid, ImapMailboxSession::kClaimFolder);
  ASSERT_GT(claimedUid, 0u);
  ImapMailbox claimFolder(account, ImapMailboxSession::kClaimFolder);
  claimFolder.Refresh();
  claimFolder.AddFlag(claimedUid, "$DicomMailBya1b2");

  {
    ImapClaimLedger otherSite(3600);
    ImapMailboxSession session(account, Settings(folder), TransferProgress(), "c3d4", otherSite);
    EXPECT_TRUE(session.ListCandidates().empty()) << "a fresh claim of another poller is left alone";
    session.Commit();
  }
  {
    // The same site started again: it finds its claim at its first poll.
    ImapClaimLedger restarted(3600);
    ImapMailboxSession session(account, Settings(folder), TransferProgress(), "a1b2", restarted);
    const std::vector<ServerMessage> listed = session.ListCandidates();
    EXPECT_EQ(std::set<std::string>({token}), Tokens(session, listed));
    // Not finished: a claim lasts one poll, so it goes back (unmarked: it is DICOM-Mail).
    session.Commit();
  }
  inbox.Refresh();
  EXPECT_EQ(1u, inbox.ListUids("UNKEYWORD $DicomMailClaim UNKEYWORD $DicomMailNotOurs HEADER X-Transport-Test " +
                               ImapMailbox::Quote(token)).size());

  // Claimed again by a poller that is then gone for good: after the timeout anyone takes it.
  inbox.Refresh();
  const uint32_t again = inbox.ListUids("HEADER X-Transport-Test " + ImapMailbox::Quote(token)).at(0);
  ASSERT_TRUE(inbox.AddKeywordFirst(again, ImapMailboxSession::kClaimKeyword));
  ASSERT_GT(inbox.Move(again, ImapMailboxSession::kClaimFolder), 0u);

  ImapClaimLedger patient(3600);
  ImapMailboxSession waiting(account, Settings(folder), TransferProgress(), "", patient);
  EXPECT_TRUE(waiting.ListCandidates().empty());

  ImapClaimLedger expired(0);
  ImapMailboxSession taking(account, Settings(folder), TransferProgress(), "", expired);
  const std::vector<ServerMessage> listed = taking.ListCandidates();
  const std::set<std::string> got = Tokens(taking, listed);
  EXPECT_EQ(1u, got.count(token)) << "the stale claim was given back and claimed again";
  FinishAll(taking, listed);
  waiting.Commit();
  inbox.DeleteFolder(folder);
}

TEST(TransportImapClaim, AFailedPollGivesItsClaimsBack)
{
  const std::string folder = "ClaimTest-" + UniqueToken("failed");
  const MailAccount account = Account("imap", HOSPITAL);
  ImapMailbox inbox(account, folder);
  inbox.CreateFolder(folder);
  const std::string token = UniqueToken("failed");
  Put(inbox, DicomLikeMail(token));
  ImapClaimLedger ledger(3600);
  {
    ImapMailboxSession session(account, Settings(folder), TransferProgress(), "", ledger);
    const std::vector<ServerMessage> listed = session.ListCandidates();
    ASSERT_EQ(1u, listed.size());
    Tokens(session, listed);
    EXPECT_TRUE(inbox.ListUids("ALL").empty());
  }   // no Commit: the poll failed (disk full, Orthanc down)
  inbox.Refresh();
  EXPECT_EQ(1u, inbox.ListUids("UNKEYWORD $DicomMailClaim UNKEYWORD $DicomMailNotOurs ALL").size())
    << "back where it was, claimable by the next poll";
  ImapMailboxSession next(account, Settings(folder), TransferProgress(), "", ledger);
  const std::vector<ServerMessage> listed = next.ListCandidates();
  EXPECT_EQ(std::set<std::string>({token}), Tokens(next, listed));
  FinishAll(next, listed);
  inbox.DeleteFolder(folder);
}

TEST(TransportImapClaim, MailThatIsNotOursGoesBackAndStays)
{
  const std::string folder = "ClaimTest-" + UniqueToken("other");
  const MailAccount account = Account("imap", HOSPITAL);
  ImapMailbox inbox(account, folder);
  inbox.CreateFolder(folder);
  const std::string personal = UniqueToken("personal");
  const std::string fragment = UniqueToken("fragment");
  Put(inbox, PersonalMail(personal));
  Put(inbox, DicomLikeMail(fragment, "message/partial; id=\"x\"; number=1; total=2"));

  ImapClaimLedger ledger(3600);
  {
    ImapMailboxSession session(account, Settings(folder), TransferProgress(), "", ledger);
    const std::vector<ServerMessage> listed = session.ListCandidates();
    EXPECT_EQ(2u, listed.size());
    Tokens(session, listed);   // fetched, neither finished: the poller found one "other", one waiting fragment
    session.Commit();
  }
  inbox.Refresh();
  const std::vector<uint32_t> back = inbox.ListUids("HEADER X-Transport-Test " + ImapMailbox::Quote(personal));
  ASSERT_EQ(1u, back.size()) << "the personal mail is back where it was";
  EXPECT_TRUE(inbox.ListUids("HEADER X-Transport-Test " + ImapMailbox::Quote(fragment)).empty());

  ImapMailboxSession next(account, Settings(folder), TransferProgress(), "", ledger);
  const std::vector<ServerMessage> listed = next.ListCandidates();
  const std::set<std::string> got = Tokens(next, listed);
  EXPECT_EQ(std::set<std::string>({fragment}), got) << "the fragment stays claimed, the personal mail is not taken again";
  FinishAll(next, listed);
  inbox.DeleteFolder(folder);
}

TEST(TransportImapClaim, MailFromASecondFolderIsListedWithItAndGoesBackThere)
{
  const std::string folder = "ClaimTest-" + UniqueToken("first");
  const std::string junk = "ClaimTest-" + UniqueToken("junk");
  const std::string processed = "ClaimTest-" + UniqueToken("processed");
  const MailAccount account = Account("imap", HOSPITAL);
  ImapMailbox inbox(account, folder);
  ImapMailbox spam(account, junk);
  inbox.CreateFolder(folder);
  spam.CreateFolder(junk);
  const std::string inInbox = UniqueToken("inbox");
  const std::string inJunk = UniqueToken("junk");
  Put(inbox, DicomLikeMail(inInbox));
  Put(spam, DicomLikeMail(inJunk));

  IncomingAccountSettings settings = Settings(folder);
  settings.folders = { folder, junk };
  settings.deleteProcessed = false;
  settings.processedFolder = processed;
  ImapClaimLedger ledger(3600);
  {
    ImapMailboxSession session(account, settings, TransferProgress(), "", ledger);
    const std::vector<ServerMessage> listed = session.ListCandidates();
    ASSERT_EQ(2u, listed.size());
    std::set<std::string> foundIn;
    for (const ServerMessage& m : listed)
    {
      foundIn.insert(m.foundIn);
    }
    EXPECT_EQ(std::set<std::string>({"", junk}), foundIn);
  }   // no Commit: both go back where they came from
  inbox.Refresh();
  spam.Refresh();
  EXPECT_EQ(1u, inbox.ListUids("HEADER X-Transport-Test " + ImapMailbox::Quote(inInbox)).size());
  const std::vector<uint32_t> back = spam.ListUids("HEADER X-Transport-Test " + ImapMailbox::Quote(inJunk));
  ASSERT_EQ(1u, back.size()) << "back in the spam folder, not in the first one";
  const std::vector<std::string> flags = spam.GetFlags(back[0]);
  EXPECT_EQ(0, std::count(flags.begin(), flags.end(), ImapMailboxSession::OriginKeyword(1)))
    << "the origin mark goes with the claim";

  ImapMailboxSession next(account, settings, TransferProgress(), "", ledger);
  const std::vector<ServerMessage> listed = next.ListCandidates();
  ASSERT_EQ(2u, listed.size());
  FinishAll(next, listed);
  ImapMailbox done(account, processed);
  const std::vector<uint32_t> moved = done.ListUids(std::string("KEYWORD ") + ImapMailboxSession::kProcessedKeyword);
  EXPECT_EQ(2u, moved.size()) << "processed mail carries the housekeeping's mark";
  ImapMailbox cleanup(account);   // a connection with none of them selected
  for (const std::string& name : { folder, junk, processed })
  {
    cleanup.DeleteFolder(name);
  }
}

namespace
{
  // One poll of a kept session: one new mail listed, fetched, finished.
  void PollOneMail(ImapMailboxSession& session, ImapMailbox& inbox)
  {
    const std::string token = UniqueToken("kept");
    Put(inbox, DicomLikeMail(token));
    const std::vector<ServerMessage> listed = session.ListCandidates();
    EXPECT_EQ(std::set<std::string>({token}), Tokens(session, listed));
    FinishAll(session, listed);
    bool offered = false;
    session.ReadQuota(offered);
  }

  // Dovecot closes every connection of "user" (as at its restart or an idle
  // timeout); false when doveadm failed.
  bool KickUser(const std::string& user)
  {
    const std::string command = "doveadm -c '" + GetStack().dir + "/dovecot/dovecot.conf' kick '" + user +
      "' >/dev/null 2>&1";
    return system(command.c_str()) == 0;
  }

  // A mailbox worker's session on a folder of its own, polled once.
  struct PolledSession
  {
    explicit PolledSession(const std::string& name) :
      folder("ClaimTest-" + UniqueToken(name)),
      account(Account("imaps", HOSPITAL)),
      inbox(account, folder),
      ledger(3600)
    {
      inbox.CreateFolder(folder);
      session.reset(new ImapMailboxSession(account, Settings(folder), TransferProgress(), "", ledger));
      PollOneMail(*session, inbox);
    }

    std::string folder;
    MailAccount account;
    ImapMailbox inbox;
    ImapClaimLedger ledger;
    std::unique_ptr<ImapMailboxSession> session;
  };
}

// #15: a mailbox worker keeps its session between polls, so a poll after the
// first opens no connection (no TLS handshake, no LOGIN) on any folder.
TEST(TransportImapClaim, AKeptSessionPollsAgainOnItsLoggedInConnections)
{
  PolledSession kept("kept");
  ImapMailboxSession& session = *kept.session;
  const unsigned int afterFirst = session.GetConnectionsOpened();
  EXPECT_GE(afterFirst, 2u) << "the polled folder and the claim folder";
  for (int poll = 2; poll <= 4; poll++)
  {
    session.BeginNextPoll();
    PollOneMail(session, kept.inbox);
    EXPECT_EQ(afterFirst, session.GetConnectionsOpened()) << "poll " << poll << " connected and logged in anew";
  }
  kept.inbox.DeleteFolder(kept.folder);
}

// A session whose poll failed is not polled with again: the worker drops it.
TEST(TransportImapClaim, OnlyASessionWhosePollCommittedPollsAgain)
{
  const std::string folder = "ClaimTest-" + UniqueToken("uncommitted");
  const MailAccount account = Account("imap", HOSPITAL);
  ImapMailbox inbox(account, folder);
  inbox.CreateFolder(folder);
  ImapClaimLedger ledger(3600);
  ImapMailboxSession session(account, Settings(folder), TransferProgress(), "", ledger);
  session.ListCandidates();
  EXPECT_THROW(session.BeginNextPoll(), std::logic_error);
  session.Commit();
  EXPECT_NO_THROW(session.BeginNextPoll());
  inbox.DeleteFolder(folder);
}

// #15: the server closed the kept connections between two polls (a Dovecot
// restart, its idle timeout): the next poll connects anew and gets the mail.
TEST(TransportImapClaim, AKeptSessionRecoversWhenTheServerClosedItsConnections)
{
  PolledSession kept("kicked");
  const unsigned int afterFirst = kept.session->GetConnectionsOpened();
  ASSERT_TRUE(KickUser(HOSPITAL)) << "doveadm kick failed";
  ImapMailbox fresh(kept.account, kept.folder);   // the helper's own connection was closed too
  kept.session->BeginNextPoll();
  PollOneMail(*kept.session, fresh);
  EXPECT_GT(kept.session->GetConnectionsOpened(), afterFirst) << "the closed connections were not replaced";
  fresh.DeleteFolder(kept.folder);
}
