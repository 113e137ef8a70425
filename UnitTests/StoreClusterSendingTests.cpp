// SPDX-License-Identifier: GPL-3.0-or-later
// Sending on several nodes of one database (#18): two "nodes" are two
// connections to the same database, each with its own stores, as two
// Orthancs on one PostgreSQL database would be (and, where it means
// something, two processes on one SQLite file).
#include "Core/Common/Error.h"
#include "Core/Store/AcknowledgementQueueStore.h"
#include "Core/Store/ForwardStore.h"
#include "Core/Store/NoticeStore.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/RoutingStore.h"
#include "Core/Store/UtcTime.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <thread>

using namespace DicomMail;

namespace
{
  const int64_t kLease = 30;

  int64_t Now()
  {
    return UtcTime::ToUnix(UtcTime::Now());
  }

  // Node "name"'s claim terms at "now" (seconds since the epoch).
  ClaimTerms Terms(const std::string& name, int64_t now)
  {
    return ClaimTerms::For(name, now, kLease);
  }

  std::string Later(int64_t seconds)
  {
    return UtcTime::FromUnix(Now() + seconds);
  }

  OutboxTransfer MakeTransfer(const std::string& setId, const std::string& owner = "", int64_t until = 0)
  {
    OutboxTransfer t;
    t.setId = setId;
    t.partner = "clinic";
    t.recipient = "pacs@clinic.example";
    t.studyInstanceUids = { "1.2.3.4" };
    t.totalInstances = 2;
    t.totalMails = 2;
    t.claimedBy = owner;
    t.claimedUntil = until;
    t.sendRun = owner.empty() ? 0 : 1;
    return t;
  }

  std::vector<OutboxMail> MakeMails(unsigned int count)
  {
    std::vector<OutboxMail> mails;
    for (unsigned int part = 1; part <= count; part++)
    {
      OutboxMail m;
      m.part = part;
      m.instances = { "instance-" + std::to_string(part) };
      mails.push_back(m);
    }
    return mails;
  }

  QueuedAcknowledgement MakeAcknowledgement(unsigned int n)
  {
    QueuedAcknowledgement a;
    a.recipient = "clinic@clinic.example";
    a.content.originalMessageId = "<set." + std::to_string(n) + "@clinic.example>";
    a.content.disposition = Disposition::Displayed;
    a.content.setId = "set";
    a.content.setPart = std::to_string(n);
    return a;
  }

  std::set<std::string> Parts(const std::vector<OutboxMail>& mails)
  {
    std::set<std::string> parts;
    for (const OutboxMail& m : mails)
    {
      parts.insert(m.setId + "/" + std::to_string(m.part));
    }
    return parts;
  }

  // Node A and node B, each with a connection of its own.
  class StoreClusterSending : public StoreEngineTest
  {
  protected:
    std::unique_ptr<Database> a_ = Open();
    std::unique_ptr<Database> b_ = Open();
    OutboxStore outboxA{*a_};
    OutboxStore outboxB{*b_};
  };
}

TEST_P(StoreClusterSending, AnOverdueMailIsClaimedForItsResendByOneNode)
{
  outboxA.CreateTransfer(MakeTransfer("t1"), MakeMails(2));
  outboxA.MarkMailSent("t1", 1, "m1@site", 10, 1);
  outboxA.MarkMailSent("t1", 2, "m2@site", 10, 1);
  const int64_t now = Now();

  EXPECT_EQ((std::set<std::string>{"t1/1", "t1/2"}),
            Parts(outboxA.ClaimMailsAwaitingAck(Later(60), Terms("a", now), 10)));
  EXPECT_TRUE(outboxB.ClaimMailsAwaitingAck(Later(60), Terms("b", now), 10).empty());
  // Not even the claimer again: its resend job may not have marked the mail yet.
  EXPECT_TRUE(outboxA.ClaimMailsAwaitingAck(Later(60), Terms("a", now + 1), 10).empty());
  // The listing is unchanged, for the status pages.
  EXPECT_EQ(2u, outboxB.ListMailsAwaitingAck(Later(60)).size());

  // Node A died before its job sent them: B takes them over once the claim lapsed.
  const std::vector<OutboxMail> taken = outboxB.ClaimMailsAwaitingAck(Later(60), Terms("b", now + kLease), 1);
  ASSERT_EQ(1u, taken.size());
  EXPECT_EQ(1u, taken[0].part);
  EXPECT_EQ("m1@site", taken[0].messageId);
  EXPECT_EQ(1u, outboxB.ClaimMailsAwaitingAck(Later(60), Terms("b", now + kLease), 10).size());

  // Not yet overdue, acknowledged, or of a canceled transfer: never claimed.
  outboxA.CreateTransfer(MakeTransfer("t2"), MakeMails(2));
  outboxA.MarkMailSent("t2", 1, "m3@site", 10, 1);
  outboxA.MarkMailSent("t2", 2, "m4@site", 10, 1);
  outboxA.RecordAck("t2", 1, "displayed", UtcTime::Now());
  EXPECT_TRUE(outboxB.ClaimMailsAwaitingAck(Later(-60), Terms("b", now + 3 * kLease), 10).empty());
  outboxA.SetTransferState("t2", TransferState::Canceled, "by the user");
  EXPECT_EQ((std::set<std::string>{"t1/1", "t1/2"}),   // B's claims lapsed too by then
            Parts(outboxB.ClaimMailsAwaitingAck(Later(60), Terms("b", now + 3 * kLease), 10)));
}

TEST_P(StoreClusterSending, TwoNodesClaimingAtOnceNeverTakeTheSameAcknowledgement)
{
  AcknowledgementQueueStore queueA(*a_);
  const unsigned int count = 40;
  for (unsigned int n = 1; n <= count; n++)
  {
    queueA.Add(MakeAcknowledgement(n));
  }

  // Each node in a loop of small claims, on its own thread and connection.
  auto work = [](Database& db, const std::string& node, std::vector<int64_t>& taken) {
    AcknowledgementQueueStore queue(db);
    for (;;)
    {
      const std::vector<QueuedAcknowledgement> due = queue.ClaimDue(Terms(node, Now()), 3);
      if (due.empty())
      {
        return;
      }
      for (const QueuedAcknowledgement& a : due)
      {
        taken.push_back(a.id);
        queue.MarkSent(a.id, UtcTime::Now());
      }
    }
  };
  std::vector<int64_t> takenA;
  std::vector<int64_t> takenB;
  std::thread nodeA(work, std::ref(*a_), "a", std::ref(takenA));
  std::thread nodeB(work, std::ref(*b_), "b", std::ref(takenB));
  nodeA.join();
  nodeB.join();

  std::vector<int64_t> all = takenA;
  all.insert(all.end(), takenB.begin(), takenB.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(count, all.size());
  EXPECT_EQ(all.end(), std::adjacent_find(all.begin(), all.end()));   // none twice
  EXPECT_EQ(0u, queueA.Summarize().pending);
}

TEST_P(StoreClusterSending, AnAcknowledgementClaimHoldsForItsNodeUntilItFailsOrLapses)
{
  AcknowledgementQueueStore queueA(*a_);
  AcknowledgementQueueStore queueB(*b_);
  const int64_t first = queueA.Add(MakeAcknowledgement(1));
  const int64_t second = queueA.Add(MakeAcknowledgement(2));
  const int64_t now = Now();

  const std::vector<QueuedAcknowledgement> due = queueA.ClaimDue(Terms("a", now), 10);
  ASSERT_EQ(2u, due.size());
  EXPECT_EQ(first, due[0].id);   // oldest first
  EXPECT_EQ(second, due[1].id);
  EXPECT_TRUE(queueB.ClaimDue(Terms("b", now), 10).empty());
  // A pass that stopped early (a failing server) takes its own claims again.
  EXPECT_EQ(2u, queueA.ClaimDue(Terms("a", now + 1), 10).size());

  // A failure frees the row for whichever node is due first then.
  const std::string retry = queueA.RecordFailure(first, "451 try later", UtcTime::FromUnix(now), 10);
  const int64_t retryAt = UtcTime::ToUnix(retry);
  const std::vector<QueuedAcknowledgement> retried = queueB.ClaimDue(Terms("b", retryAt), 10);
  ASSERT_EQ(1u, retried.size());
  EXPECT_EQ(first, retried[0].id);
  // The other one is still A's until its claim lapses.
  const std::vector<QueuedAcknowledgement> lapsed = queueB.ClaimDue(Terms("b", now + 1 + kLease), 10);
  ASSERT_EQ(2u, lapsed.size());   // B's own claim on the first, and A's lapsed one
  EXPECT_EQ(second, lapsed[1].id);
}

TEST_P(StoreClusterSending, ANoticeIsClaimedByOneNode)
{
  NoticeStore noticesA(*a_);
  NoticeStore noticesB(*b_);
  const std::string created = UtcTime::Now();
  ASSERT_TRUE(noticesA.Claim("t1", NoticeKind::Failure, {"admin@site.example"}, created));
  ASSERT_FALSE(noticesB.Claim("t1", NoticeKind::Failure, {"admin@site.example"}, created));   // decided once
  const int64_t now = Now();

  ASSERT_EQ(1u, noticesA.ClaimDue(Terms("a", now), 10).size());
  EXPECT_TRUE(noticesB.ClaimDue(Terms("b", now), 10).empty());
  const std::vector<QueuedNotice> taken = noticesB.ClaimDue(Terms("b", now + kLease), 10);
  ASSERT_EQ(1u, taken.size());
  EXPECT_EQ("t1", taken[0].setId);
  noticesB.MarkSent(taken[0].id, UtcTime::Now());
  EXPECT_TRUE(noticesA.ClaimDue(Terms("a", now + 3 * kLease), 10).empty());
}

TEST_P(StoreClusterSending, AForwardIsWorkedByOneNodeAndTakenOverWhenItsClaimLapses)
{
  ForwardStore forwardsA(*a_);
  ForwardStore forwardsB(*b_);
  ASSERT_TRUE(forwardsA.Queue("t1", "PACS", UtcTime::Now()));
  ForwardRecord forward;
  ASSERT_TRUE(forwardsB.Get("t1", forward));
  const int64_t now = Now();

  bool fromOther = true;
  ASSERT_TRUE(forwardsA.Claim(forward.id, Terms("a", now), fromOther));
  EXPECT_FALSE(fromOther);
  forwardsA.MarkStarted(forward.id, "job-on-a", 3, UtcTime::Now());
  EXPECT_FALSE(forwardsB.Claim(forward.id, Terms("b", now + kLease - 1), fromOther));
  // A renews its claim as it follows its job.
  ASSERT_TRUE(forwardsA.Claim(forward.id, Terms("a", now + 10), fromOther));
  EXPECT_FALSE(fromOther);
  EXPECT_FALSE(forwardsB.Claim(forward.id, Terms("b", now + kLease), fromOther));

  // A stopped renewing (it died): B takes the forward over, knowing the job ran on A.
  ASSERT_TRUE(forwardsB.Claim(forward.id, Terms("b", now + 10 + kLease), fromOther));
  EXPECT_TRUE(fromOther);
  EXPECT_FALSE(forwardsA.Claim(forward.id, Terms("a", now + 10 + kLease), fromOther));
}

TEST_P(StoreClusterSending, ATransferOfANodeThatDiedIsResumedByAnotherInANewRun)
{
  const int64_t now = Now();
  outboxA.CreateTransfer(MakeTransfer("t1", "a", now + kLease), MakeMails(2));
  outboxA.CreateTransfer(MakeTransfer("legacy"), MakeMails(1));          // before #18: no owner
  outboxA.CreateTransfer(MakeTransfer("done", "a", now + kLease), MakeMails(1));
  ASSERT_TRUE(outboxA.HoldRun("t1", 1, Terms("a", now)));
  outboxA.MarkMailSent("t1", 1, "m1@site", 10, 1);                        // accepted by the SMTP server
  outboxA.SetTransferState("done", TransferState::Sending, "");
  outboxA.SetTransferState("done", TransferState::Sent, "");

  // A lives: its claims are renewed, nothing is an orphan.
  EXPECT_TRUE(outboxB.ClaimOrphans(Terms("b", now + 1), 10).empty());
  EXPECT_EQ(1u, outboxA.RenewClaims(Terms("a", now + 20)));   // "t1" only: "done" needs no job
  EXPECT_TRUE(outboxB.ClaimOrphans(Terms("b", now + kLease + 1), 10).empty());

  // A died: after its last claim lapsed, one node takes "t1" over, once.
  const int64_t lapsed = now + 20 + kLease;
  const std::vector<std::pair<std::string, int64_t> > orphans = outboxB.ClaimOrphans(Terms("b", lapsed), 10);
  ASSERT_EQ(1u, orphans.size());
  EXPECT_EQ("t1", orphans[0].first);
  EXPECT_EQ(2, orphans[0].second);
  EXPECT_TRUE(outboxB.ClaimOrphans(Terms("c", lapsed), 10).empty());
  EXPECT_TRUE(outboxA.ClaimOrphans(Terms("a", lapsed), 10).empty());

  // A came back and Orthanc resumed its job of run 1: superseded, it sends nothing.
  EXPECT_FALSE(outboxA.HoldRun("t1", 1, Terms("a", lapsed)));
  EXPECT_EQ(0u, outboxA.RenewClaims(Terms("a", lapsed)));
  EXPECT_TRUE(outboxB.HoldRun("t1", 2, Terms("b", lapsed)));

  // What B's job finds to send: the mail the SMTP server accepted is not sent again.
  OutboxTransfer transfer;
  std::vector<OutboxMail> mails;
  ASSERT_TRUE(outboxB.GetTransfer("t1", transfer, mails));
  EXPECT_EQ("b", transfer.claimedBy);
  EXPECT_EQ(2, transfer.sendRun);
  EXPECT_EQ(MailState::Sent, mails[0].state);
  EXPECT_EQ(MailState::Pending, mails[1].state);
}

TEST_P(StoreClusterSending, TwoNodesResendingAFailedTransferStartOneRun)
{
  const int64_t now = Now();
  outboxA.CreateTransfer(MakeTransfer("t1", "a", now + kLease), MakeMails(1));
  outboxA.SetTransferState("t1", TransferState::Failed, "SMTP down");

  const int64_t run = outboxA.BeginResend("t1", Terms("a", now), "resend requested");
  EXPECT_EQ(2, run);
  EXPECT_EQ(0, outboxB.BeginResend("t1", Terms("b", now), "resend requested"));
  OutboxTransfer transfer;
  std::vector<OutboxMail> mails;
  ASSERT_TRUE(outboxB.GetTransfer("t1", transfer, mails));
  EXPECT_EQ(TransferState::Sending, transfer.state);
  EXPECT_EQ("resend requested", transfer.reason);

  // A resend of overdue mails begins a run without a condition: the job of
  // the run before is superseded.
  EXPECT_EQ(3, outboxB.BeginRun("t1", Terms("b", now)));
  EXPECT_FALSE(outboxA.HoldRun("t1", 2, Terms("a", now)));
  EXPECT_THROW(outboxB.BeginRun("unknown", Terms("b", now)), Error);
}

TEST_P(StoreClusterSending, AnAcknowledgementFetchedByOneNodeAcknowledgesTheMailOfAnother)
{
  outboxA.CreateTransfer(MakeTransfer("t1"), MakeMails(1));
  outboxA.MarkMailSent("t1", 1, "<part1.t1@site.example>", 10, 1);
  outboxA.SetTransferState("t1", TransferState::Sending, "");
  outboxA.SetTransferState("t1", TransferState::Sent, "");

  // Node B polled the mailbox and got the MDN.
  OutboxMail mail;
  ASSERT_TRUE(outboxB.FindMailByMessageId("<part1.t1@site.example>", mail));
  EXPECT_EQ("t1", mail.setId);
  EXPECT_EQ(MailState::Acknowledged, outboxB.RecordAck(mail.setId, mail.part, "displayed", UtcTime::Now()));
  EXPECT_TRUE(outboxB.SetTransferState("t1", TransferState::Acknowledged, ""));

  // Node A sees it, and no node resends it.
  OutboxTransfer transfer;
  std::vector<OutboxMail> mails;
  ASSERT_TRUE(outboxA.GetTransfer("t1", transfer, mails));
  EXPECT_EQ(TransferState::Acknowledged, transfer.state);
  EXPECT_EQ(MailState::Acknowledged, mails[0].state);
  EXPECT_TRUE(outboxA.ClaimMailsAwaitingAck(Later(3600), Terms("a", Now()), 10).empty());
}

TEST_P(StoreClusterSending, ARoutingRuleClaimsEachInstanceOnceAcrossNodes)
{
  RoutingStore routingA(*a_);
  RoutingStore routingB(*b_);
  const int64_t now = Now();
  const std::vector<std::string> study = {"i1", "i2", "i3"};

  // The study became stable on both nodes: the first claim takes it all.
  EXPECT_EQ(study, routingA.Claim("ct", "clinic", "1.2.3", study, "setA", Terms("a", now)));
  EXPECT_TRUE(routingB.Claim("ct", "clinic", "1.2.3", study, "setB", Terms("b", now)).empty());
  // An instance that came later goes in B's follow-up.
  EXPECT_EQ(std::vector<std::string>{"i4"},
            routingB.Claim("ct", "clinic", "1.2.3", {"i1", "i4"}, "setB", Terms("b", now)));
  EXPECT_EQ((std::set<std::string>{"i1", "i2", "i3", "i4"}), routingA.GetSentInstances("clinic", "1.2.3"));

  // B could not submit: its claim goes, so the next trigger sends "i4".
  routingB.ReleaseClaim("setB");
  EXPECT_EQ((std::set<std::string>{"i1", "i2", "i3"}), routingA.GetSentInstances("clinic", "1.2.3"));

  // A submitted: its record stays. An unconfirmed claim lapses (its node
  // died before it submitted) and is taken by the next rule to fire.
  routingA.ConfirmClaim("setA");
  EXPECT_EQ(std::vector<std::string>{"i5"},
            routingA.Claim("ct", "clinic", "1.2.3", {"i5"}, "setC", ClaimTerms::For("a", now, -1)));
  EXPECT_EQ((std::set<std::string>{"i1", "i2", "i3"}), routingB.GetSentInstances("clinic", "1.2.3"));
  EXPECT_EQ((std::vector<std::string>{"i5"}),
            routingB.Claim("ct", "clinic", "1.2.3", {"i1", "i5"}, "setD", Terms("b", now)));
  EXPECT_THROW(routingB.Claim("ct", "clinic", "1.2.3", {"i6"}, "", Terms("b", now)), Error);
}

INSTANTIATE_STORE_ENGINES(StoreClusterSending);
