// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Cluster/ClusterHeartbeat.h"
#include "Core/Cluster/NodeIdentity.h"
#include "Core/Store/ClusterStore.h"
#include "Core/Store/MailClaimStore.h"
#include "Core/Store/MailboxLease.h"

#include <json/value.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  // This Orthanc as one node of a site on one database (#18): its
  // heartbeat, the leases of the mailboxes it polls, the claims of the mails
  // it works on, and what the status says of the nodes. The heartbeat and
  // the leases each have a connection of their own: a long transaction of
  // an import never delays them, and a lease lives and dies with its session.
  // On SQLite the site has this one node: every lease and claim is ours.
  class ClusterMembership
  {
  public:
    ClusterMembership();
    ~ClusterMembership();

    const NodeIdentity& GetIdentity() const
    {
      return identity_;
    }

    // Whether this node polls "mailbox" now. Taking a mailbox over records
    // this node as its holder and adopts the claims the last holder left on
    // the IMAP server. Throws when the database cannot be asked.
    bool TryPoll(const std::string& mailbox);

    // The worker stops: the mailbox is free for another node at once.
    void StopPolling(const std::string& mailbox);

    // Whether other nodes may share the records (PostgreSQL). On SQLite the
    // site has one node and claims would only cost writes.
    bool IsShared() const
    {
      return shared_;
    }

    // For the InboxPoller (Dependencies::claimMail, releaseMail).
    bool ClaimMail(const std::string& mailbox, const std::string& serverId);
    void ReleaseMail(const std::string& mailbox, const std::string& serverId);
    // Claims of dead nodes on mails that left the server some other way.
    void ForgetAbandonedClaims();

    // Who marks IMAP claims: shared by the site's nodes on PostgreSQL (so a
    // successor adopts them), this state directory's own on SQLite.
    const std::string& GetImapClaimOwner() const
    {
      return imapClaimOwner_;
    }

    // The "Cluster" member of GET /dicom-mail/status.
    Json::Value ToJson(const std::vector<std::string>& mailboxes);

  private:
    NodeIdentity identity_;
    bool shared_;
    std::unique_ptr<Database> heartbeatDb_;
    ClusterStore heartbeatStore_;
    ClusterHeartbeat heartbeat_;
    std::unique_ptr<MailboxLease> lease_;
    MailClaimStore claims_;     // on the plugin's shared connection
    std::string imapClaimOwner_;
    std::mutex mutex_;
    std::set<std::string> polling_;   // mailboxes whose lease we held at the last look
  };
}
