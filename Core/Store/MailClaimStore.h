// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Cluster/NodeIdentity.h"
#include "Core/Store/Database.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Which node works on which mail of a mailbox (#18). A node claims a mail
  // before it fetches it; only the claimant imports, records and
  // acknowledges it, and releases the claim once the mail has left the
  // server (or been recorded). A claim whose node is dead (no heartbeat of
  // that incarnation since "liveSinceMs") is taken over: the mail is not
  // lost with the node that fetched it.
  class MailClaimStore
  {
  public:
    explicit MailClaimStore(Database& db);

    // True when "node" may work on the mail: claimed now, claimed by this
    // incarnation before, or taken over from a dead node. False while
    // another live node holds it.
    bool Claim(const std::string& mailbox, const std::string& mailKey, const NodeIdentity& node, int64_t nowMs,
               int64_t liveSinceMs);

    // Only this incarnation's claim goes.
    void Release(const std::string& mailbox, const std::string& mailKey, const NodeIdentity& node);

    // Claims left by incarnations that are gone, older than "beforeMs" (the
    // mail left the server some other way); returns how many went.
    unsigned int ForgetAbandoned(int64_t beforeMs, int64_t liveSinceMs);

  private:
    Database& db_;
  };
}
