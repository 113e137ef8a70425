// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Cluster/ClusterView.h"

#include "Core/Store/UtcMillis.h"

namespace DicomMail
{
  namespace ClusterView
  {
    int64_t LiveSince(int64_t nowMs)
    {
      return nowMs - kMissedHeartbeats * kHeartbeatIntervalMs;
    }

    bool IsLive(const ClusterNodeRecord& node, int64_t nowMs)
    {
      return node.heartbeatMs >= LiveSince(nowMs);
    }

    namespace
    {
      const ClusterNodeRecord* FindLive(const std::vector<ClusterNodeRecord>& nodes, const std::string& name,
                                        const std::string& incarnation, int64_t nowMs)
      {
        for (const ClusterNodeRecord& n : nodes)
        {
          if (n.name == name && n.incarnation == incarnation && IsLive(n, nowMs))
          {
            return &n;
          }
        }
        return nullptr;
      }
    }

    bool HolderIsDead(const NodeIdentity& self, const std::vector<ClusterNodeRecord>& nodes,
                      const std::vector<MailboxHolderRecord>& holders, const std::string& mailbox, int64_t nowMs)
    {
      for (const MailboxHolderRecord& h : holders)
      {
        if (h.mailbox == mailbox)
        {
          return h.incarnation != self.incarnation && FindLive(nodes, h.node, h.incarnation, nowMs) == nullptr;
        }
      }
      return false;   // nobody recorded: nobody to evict
    }

    Json::Value ToJson(const NodeIdentity& self, const std::vector<ClusterNodeRecord>& nodes,
                       const std::vector<MailboxHolderRecord>& holders, const std::vector<std::string>& mailboxes,
                       int64_t nowMs)
    {
      Json::Value cluster;
      cluster["Node"] = self.name;
      cluster["Nodes"] = Json::arrayValue;
      for (const ClusterNodeRecord& n : nodes)
      {
        if (IsLive(n, nowMs) || n.name == self.name)
        {
          Json::Value v;
          v["Name"] = n.name;
          v["Self"] = n.name == self.name;
          v["Started"] = UtcMillis::Format(n.startedMs);
          v["LastHeartbeat"] = UtcMillis::Format(n.heartbeatMs);
          cluster["Nodes"].append(v);
        }
      }
      cluster["Mailboxes"] = Json::arrayValue;
      for (const std::string& mailbox : mailboxes)
      {
        Json::Value v;
        v["Mailbox"] = mailbox;
        v["PolledBy"] = Json::Value();
        v["Since"] = Json::Value();
        for (const MailboxHolderRecord& h : holders)
        {
          // A dead holder's record stays until the next node takes over.
          if (h.mailbox == mailbox && FindLive(nodes, h.node, h.incarnation, nowMs) != nullptr)
          {
            v["PolledBy"] = h.node;
            v["Since"] = UtcMillis::Format(h.sinceMs);
          }
        }
        cluster["Mailboxes"].append(v);
      }
      return cluster;
    }
  }
}
