// SPDX-License-Identifier: GPL-3.0-or-later
#include "Plugin/Workers/ClusterMembership.h"

#include "Core/Cluster/ClusterView.h"
#include "Core/Polling/ImapClaimLedger.h"
#include "Core/Polling/ImapClaimOwner.h"
#include "Core/Store/OpenDatabase.h"
#include "Core/Store/UtcMillis.h"
#include "Plugin/OrthancApi.h"
#include "Plugin/PluginContext.h"

namespace DicomMail
{
  namespace
  {
    // A claim of a dead node on a mail nobody lists any more is forgotten
    // after a day.
    const int64_t kAbandonedClaimMs = 86400000;

    void LogWarning(const std::string& message)
    {
      OrthancApi::LogWarning(message);
    }
  }

  ClusterMembership::ClusterMembership() :
    identity_(PluginContext::Get().GetNode()),
    shared_(PluginContext::Get().GetConfiguration().database.engine == DatabaseEngine::PostgreSQL),
    heartbeatDb_(OpenDatabase(PluginContext::Get().GetConfiguration().database)),
    heartbeatStore_(*heartbeatDb_),
    heartbeat_(heartbeatStore_, identity_, LogWarning),
    lease_(new MailboxLease(OpenDatabase(PluginContext::Get().GetConfiguration().database))),
    claims_(PluginContext::Get().GetInbox().GetDatabase())
  {
    const Configuration& configuration = PluginContext::Get().GetConfiguration();
    imapClaimOwner_ = shared_ ?
      heartbeatStore_.SharedClaimOwner() : ImapClaimOwner::Load(configuration.stateDirectory);
    heartbeat_.Start();
    OrthancApi::LogInfo("this node is \"" + identity_.name + "\"");
  }

  ClusterMembership::~ClusterMembership()
  {
    heartbeat_.Stop();
  }

  bool ClusterMembership::TryPoll(const std::string& mailbox)
  {
    bool ours = lease_->TryAcquire(mailbox);
    if (!ours && ClusterView::HolderIsDead(identity_, heartbeatStore_.ListNodes(), heartbeatStore_.ListHolders(),
                                           mailbox, UtcMillis::Now()) && lease_->Evict(mailbox))
    {
      // Its node stopped beating but the server still keeps its session
      // (a machine gone without closing its connections).
      LogWarning("node \"" + identity_.name + "\" ended the database session of the dead holder of mailbox \"" +
                 mailbox + "\"");
      ours = lease_->TryAcquire(mailbox);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    const bool was = polling_.count(mailbox) > 0;
    if (ours && !was)
    {
      heartbeatStore_.SetHolder(mailbox, identity_, UtcMillis::Now());
      ImapClaimLedger::ForThisProcess().LookAgain();   // the last holder's claims are ours now
      polling_.insert(mailbox);
      OrthancApi::LogInfo("node \"" + identity_.name + "\" polls mailbox \"" + mailbox + "\"");
    }
    else if (!ours && was)
    {
      polling_.erase(mailbox);
      LogWarning("node \"" + identity_.name + "\" lost the lease of mailbox \"" + mailbox +
                 "\" (its database connection): another node polls it now");
    }
    return ours;
  }

  void ClusterMembership::StopPolling(const std::string& mailbox)
  {
    try
    {
      lease_->Release(mailbox);
      heartbeatStore_.ClearHolder(mailbox, identity_);
    }
    catch (const std::exception& e)
    {
      LogWarning("cannot release mailbox \"" + mailbox + "\" (it frees itself with the connection): " + e.what());
    }
    std::lock_guard<std::mutex> lock(mutex_);
    polling_.erase(mailbox);
  }

  bool ClusterMembership::ClaimMail(const std::string& mailbox, const std::string& serverId)
  {
    const int64_t now = UtcMillis::Now();
    return claims_.Claim(mailbox, serverId, identity_, now, ClusterView::LiveSince(now));
  }

  void ClusterMembership::ReleaseMail(const std::string& mailbox, const std::string& serverId)
  {
    claims_.Release(mailbox, serverId, identity_);
  }

  void ClusterMembership::ForgetAbandonedClaims()
  {
    const int64_t now = UtcMillis::Now();
    claims_.ForgetAbandoned(now - kAbandonedClaimMs, ClusterView::LiveSince(now));
  }

  Json::Value ClusterMembership::ToJson(const std::vector<std::string>& mailboxes)
  {
    return ClusterView::ToJson(identity_, heartbeatStore_.ListNodes(), heartbeatStore_.ListHolders(), mailboxes,
                               UtcMillis::Now());
  }
}
