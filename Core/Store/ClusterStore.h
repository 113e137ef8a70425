// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Cluster/NodeIdentity.h"
#include "Core/Store/Database.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  struct ClusterNodeRecord
  {
    std::string name;
    std::string incarnation;
    int64_t startedMs = 0;
    int64_t heartbeatMs = 0;
  };

  struct MailboxHolderRecord
  {
    std::string mailbox;
    std::string node;
    std::string incarnation;
    int64_t sinceMs = 0;
  };

  // The nodes of a site on one database (#18): their heartbeats and which of
  // them polls each mailbox. What the holders say is for people (status);
  // who may poll is decided by MailboxLease alone.
  class ClusterStore
  {
  public:
    explicit ClusterStore(Database& db);

    // This node is alive at "nowMs" (a restart replaces the incarnation).
    void Heartbeat(const NodeIdentity& node, int64_t nowMs);

    // A node stopping cleanly leaves at once instead of ageing out.
    void Leave(const NodeIdentity& node);

    std::vector<ClusterNodeRecord> ListNodes();

    // "node" polls "mailbox" since "nowMs" (it has just taken its lease).
    void SetHolder(const std::string& mailbox, const NodeIdentity& node, int64_t nowMs);

    // Only this incarnation's record goes: a successor's stays.
    void ClearHolder(const std::string& mailbox, const NodeIdentity& node);

    std::vector<MailboxHolderRecord> ListHolders();

    // The IMAP claim owner every node of the site shares (16 hex digits,
    // made by the first node): the node that takes a mailbox over adopts
    // the claims its predecessor left on the server.
    std::string SharedClaimOwner();

  private:
    Database& db_;
  };
}
