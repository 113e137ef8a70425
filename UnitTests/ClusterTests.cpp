// SPDX-License-Identifier: GPL-3.0-or-later
// Several nodes on one database (#18): heartbeats, mailbox holders, the
// status, mail claims and the mailbox lease, on both engines.
#include "Core/Cluster/ClusterView.h"
#include "Core/Cluster/NodeIdentity.h"
#include "Core/Store/ClusterStore.h"
#include "Core/Store/MailClaimStore.h"
#include "Core/Store/MailboxLease.h"
#include "Core/Store/Statement.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace DicomMail;

namespace
{
  const int64_t kNow = 1800000000000;   // 2027-01-15
  const int64_t kDead = kNow - ClusterView::kMissedHeartbeats * ClusterView::kHeartbeatIntervalMs - 1;

  // The server ends a session a moment after its connection went: try for a while.
  bool AcquireWithinSeconds(MailboxLease& lease, const std::string& mailbox, int seconds)
  {
    for (int attempt = 0; attempt < seconds * 100; attempt++)
    {
      if (lease.TryAcquire(mailbox))
      {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  class ClusterStoreTest : public StoreEngineTest
  {
  protected:
    ClusterStoreTest() :
      db_(Open()),
      cluster_(*db_),
      claims_(*db_)
    {
    }

    std::unique_ptr<Database> db_;
    ClusterStore cluster_;
    MailClaimStore claims_;
  };
}

TEST(NodeIdentity, EveryStartIsANewIncarnationOfTheSameName)
{
  const NodeIdentity a = NodeIdentity::Start("pacs-1:8042");
  const NodeIdentity b = NodeIdentity::Start("pacs-1:8042");
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(16u, a.incarnation.size());
  EXPECT_NE(a.incarnation, b.incarnation);
  const std::string name = NodeIdentity::DefaultName(8042);
  EXPECT_EQ(":8042", name.substr(name.size() - 5));
  EXPECT_GT(name.size(), 5u);
}

TEST_P(ClusterStoreTest, HeartbeatsNameTheLiveNodesAndTheHolderOfEachMailbox)
{
  const NodeIdentity a = NodeIdentity::Start("a");
  const NodeIdentity b = NodeIdentity::Start("b");
  const NodeIdentity c = NodeIdentity::Start("c");
  cluster_.Heartbeat(a, kNow - 10000);
  cluster_.Heartbeat(a, kNow);            // the same incarnation: started stays
  cluster_.Heartbeat(b, kNow - 1000);
  cluster_.Heartbeat(c, kDead);           // missed three beats
  cluster_.SetHolder("inbox", b, kNow - 500);
  cluster_.SetHolder("spare", c, kDead);  // its holder is dead: nobody polls it now

  const std::vector<ClusterNodeRecord> nodes = cluster_.ListNodes();
  ASSERT_EQ(3u, nodes.size());
  EXPECT_EQ(kNow - 10000, nodes[0].startedMs);
  EXPECT_EQ(kNow, nodes[0].heartbeatMs);

  const Json::Value status = ClusterView::ToJson(a, nodes, cluster_.ListHolders(), {"inbox", "spare", "new"}, kNow);
  EXPECT_EQ("a", status["Node"].asString());
  ASSERT_EQ(2u, status["Nodes"].size());
  EXPECT_EQ("a", status["Nodes"][0]["Name"].asString());
  EXPECT_TRUE(status["Nodes"][0]["Self"].asBool());
  EXPECT_EQ("b", status["Nodes"][1]["Name"].asString());
  EXPECT_FALSE(status["Nodes"][1]["Self"].asBool());
  ASSERT_EQ(3u, status["Mailboxes"].size());
  EXPECT_EQ("b", status["Mailboxes"][0]["PolledBy"].asString());
  EXPECT_TRUE(status["Mailboxes"][1]["PolledBy"].isNull());
  EXPECT_TRUE(status["Mailboxes"][2]["PolledBy"].isNull());

  // b restarts under its name: a new incarnation, which its old holder record is not.
  const NodeIdentity b2 = NodeIdentity::Start("b");
  cluster_.Heartbeat(b2, kNow);
  EXPECT_TRUE(ClusterView::ToJson(a, cluster_.ListNodes(), cluster_.ListHolders(), {"inbox"}, kNow)
              ["Mailboxes"][0]["PolledBy"].isNull());
  cluster_.ClearHolder("inbox", b);       // the dead one's record, not a successor's
  cluster_.SetHolder("inbox", a, kNow);
  cluster_.ClearHolder("inbox", b);
  EXPECT_EQ("a", ClusterView::ToJson(a, cluster_.ListNodes(), cluster_.ListHolders(), {"inbox"}, kNow)
            ["Mailboxes"][0]["PolledBy"].asString());

  cluster_.Leave(b);                      // an old incarnation leaves nothing behind of the new one
  EXPECT_EQ(3u, cluster_.ListNodes().size());
  cluster_.Leave(b2);
  EXPECT_EQ(2u, cluster_.ListNodes().size());
}

TEST_P(ClusterStoreTest, EveryNodeSharesOneClaimOwner)
{
  const std::string owner = cluster_.SharedClaimOwner();
  EXPECT_EQ(16u, owner.size());
  std::unique_ptr<Database> other = Open();
  EXPECT_EQ(owner, ClusterStore(*other).SharedClaimOwner());
}

TEST_P(ClusterStoreTest, AMailIsClaimedByOneLiveNodeAndTakenOverFromADeadOne)
{
  const NodeIdentity a = NodeIdentity::Start("a");
  const NodeIdentity b = NodeIdentity::Start("b");
  cluster_.Heartbeat(a, kNow);
  cluster_.Heartbeat(b, kNow);
  const int64_t live = ClusterView::LiveSince(kNow);

  EXPECT_TRUE(claims_.Claim("inbox", "7:1", a, kNow, live));
  EXPECT_TRUE(claims_.Claim("inbox", "7:1", a, kNow, live));    // ours already
  EXPECT_FALSE(claims_.Claim("inbox", "7:1", b, kNow, live));   // a is alive: a's
  EXPECT_TRUE(claims_.Claim("other", "7:1", b, kNow, live));    // another mailbox's mail
  claims_.Release("other", "7:1", b);

  // a restarts: its new incarnation does not inherit the claim while the old one may still beat.
  const NodeIdentity a2 = NodeIdentity::Start("a");
  EXPECT_FALSE(claims_.Claim("inbox", "7:1", a2, kNow, live));

  // a's heartbeat stops: three intervals later b takes the mail over, and a2 no longer can.
  const int64_t later = kNow + ClusterView::kMissedHeartbeats * ClusterView::kHeartbeatIntervalMs + 1;
  cluster_.Heartbeat(b, later);
  EXPECT_TRUE(claims_.Claim("inbox", "7:1", b, later, ClusterView::LiveSince(later)));
  EXPECT_FALSE(claims_.Claim("inbox", "7:1", a2, later, ClusterView::LiveSince(later)));

  claims_.Release("inbox", "7:1", a);   // not a's any more: stays
  EXPECT_FALSE(claims_.Claim("inbox", "7:1", a2, later, ClusterView::LiveSince(later)));
  claims_.Release("inbox", "7:1", b);
  EXPECT_TRUE(claims_.Claim("inbox", "7:1", a2, later, ClusterView::LiveSince(later)));

  // Claims of the dead are forgotten after a while, live ones never.
  cluster_.Heartbeat(a2, later);
  const int64_t muchLater = later + 10 * ClusterView::kMissedHeartbeats * ClusterView::kHeartbeatIntervalMs;
  EXPECT_EQ(0u, claims_.ForgetAbandoned(later, ClusterView::LiveSince(muchLater)));       // too new
  EXPECT_EQ(0u, claims_.ForgetAbandoned(later + 1, ClusterView::LiveSince(later)));       // a2 is alive
  EXPECT_EQ(1u, claims_.ForgetAbandoned(later + 1, ClusterView::LiveSince(muchLater)));   // a2 died
}

INSTANTIATE_STORE_ENGINES(ClusterStoreTest);

class StoreMailboxLeaseLoss : public StoreEngineTest
{
};

TEST_P(StoreMailboxLeaseLoss, ALeaseLostWithItsConnectionIsNotOursAfterTheReconnect)
{
  if (GetParam() == DatabaseEngine::SQLite)
  {
    MailboxLease only(Open());
    EXPECT_TRUE(only.TryAcquire("inbox"));   // one node per file
    return;
  }
  MailboxLease nodeA(Open());
  MailboxLease nodeB(Open());
  ASSERT_TRUE(nodeA.TryAcquire("inbox"));
  // The server ends nodeA's session (a network cut, an administrator).
  std::unique_ptr<Database> admin = Open();
  Statement terminate(*admin, "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND "
                              "classid = 1145924972");
  ASSERT_TRUE(terminate.Step());
  terminate.Finalize();

  const bool taken = AcquireWithinSeconds(nodeB, "inbox", 5);
  ASSERT_TRUE(taken);
  // nodeA's engine re-connects by itself; the new session holds nothing.
  bool ours = true;
  try
  {
    ours = nodeA.TryAcquire("inbox");
  }
  catch (const std::exception&)
  {
    ours = false;   // the broken connection reported: not ours either
  }
  EXPECT_FALSE(ours);
  EXPECT_FALSE(nodeA.TryAcquire("inbox"));   // re-connected now: still nodeB's
}

INSTANTIATE_STORE_ENGINES(StoreMailboxLeaseLoss);

TEST_P(StoreMailboxLeaseLoss, TheSessionOfADeadHolderIsEndedAndItsMailboxTakenOver)
{
  std::unique_ptr<Database> db = Open();
  ClusterStore cluster(*db);
  const NodeIdentity a = NodeIdentity::Start("a");
  const NodeIdentity b = NodeIdentity::Start("b");
  MailboxLease nodeA(Open());
  MailboxLease nodeB(Open());
  ASSERT_TRUE(nodeA.TryAcquire("inbox"));
  cluster.SetHolder("inbox", a, kNow);
  cluster.Heartbeat(a, kNow);
  EXPECT_FALSE(ClusterView::HolderIsDead(b, cluster.ListNodes(), cluster.ListHolders(), "inbox", kNow));
  EXPECT_FALSE(ClusterView::HolderIsDead(a, cluster.ListNodes(), cluster.ListHolders(), "inbox", kDead));
  EXPECT_FALSE(ClusterView::HolderIsDead(b, cluster.ListNodes(), cluster.ListHolders(), "spare", kNow));
  // a's heartbeat stops, its session stays (the server has not noticed).
  const int64_t later = kNow + ClusterView::kMissedHeartbeats * ClusterView::kHeartbeatIntervalMs + 1;
  ASSERT_TRUE(ClusterView::HolderIsDead(b, cluster.ListNodes(), cluster.ListHolders(), "inbox", later));
  if (GetParam() == DatabaseEngine::SQLite)
  {
    EXPECT_FALSE(nodeB.Evict("inbox"));   // one node: nothing to end
    return;
  }
  EXPECT_FALSE(nodeB.TryAcquire("inbox"));
  EXPECT_TRUE(nodeB.Evict("inbox"));
  const bool taken = AcquireWithinSeconds(nodeB, "inbox", 5);
  EXPECT_TRUE(taken);
  EXPECT_FALSE(nodeB.Evict("inbox"));   // never its own session
}
