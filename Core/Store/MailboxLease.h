// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/Database.h"

#include <memory>
#include <set>
#include <string>

namespace DicomMail
{
  // Which node polls a mailbox (#18). On PostgreSQL the holder of a session-level
  // advisory lock named after the mailbox, on a connection of its own: a
  // node that dies or loses that connection frees its mailboxes without
  // anyone's action, and another node's next TryAcquire() takes them over.
  // On SQLite there is one node: every mailbox is always ours.
  class MailboxLease
  {
  public:
    // "session" must be a connection used for nothing else: the locks live
    // and die with it.
    explicit MailboxLease(std::unique_ptr<Database> session);

    // True when this node polls the mailbox (already did, or does from now);
    // false while another node does, or when the lease was lost with its
    // connection. Throws when the server cannot be asked.
    bool TryAcquire(const std::string& mailbox);

    void Release(const std::string& mailbox);

    // Ends the database session that holds the mailbox's lock, whoever it
    // is: for a holder known dead whose connection the server has not
    // noticed gone (its machine stopped, its network was cut; TCP may take
    // hours to tell). Returns whether a session was ended. Nothing on SQLite.
    bool Evict(const std::string& mailbox);

  private:
    std::unique_ptr<Database> session_;
    std::set<std::string> held_;
  };
}
