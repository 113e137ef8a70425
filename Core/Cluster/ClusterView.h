// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Cluster/NodeIdentity.h"
#include "Core/Store/ClusterStore.h"

#include <json/value.h>

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // What the nodes of a site know of each other (#18), from the heartbeats
  // and holders in the database.
  namespace ClusterView
  {
    // Every node writes its heartbeat this often.
    const int64_t kHeartbeatIntervalMs = 2000;

    // A node whose last heartbeat is older than this many intervals is dead:
    // its mail claims are taken over and it leaves the status.
    const int64_t kMissedHeartbeats = 3;

    // The oldest heartbeat of a live node at "nowMs".
    int64_t LiveSince(int64_t nowMs);

    bool IsLive(const ClusterNodeRecord& node, int64_t nowMs);

    // Whether the mailbox's recorded holder is a node other than "self"
    // that stopped beating (its lease may outlive it: see MailboxLease::Evict).
    bool HolderIsDead(const NodeIdentity& self, const std::vector<ClusterNodeRecord>& nodes,
                      const std::vector<MailboxHolderRecord>& holders, const std::string& mailbox, int64_t nowMs);

    // The "Cluster" member of GET /dicom-mail/status: this node, the live
    // nodes, and per mailbox the live node polling it (null: none now).
    Json::Value ToJson(const NodeIdentity& self, const std::vector<ClusterNodeRecord>& nodes,
                       const std::vector<MailboxHolderRecord>& holders, const std::vector<std::string>& mailboxes,
                       int64_t nowMs);
  }
}
