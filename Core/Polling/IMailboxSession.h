// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // One message on a mail server, as the poller tracks it.
  struct ServerMessage
  {
    std::string serverId;     // stable: IMAP "uidvalidity:uid", POP3 UIDL
    uint32_t uid = 0;         // IMAP
    unsigned int number = 0;  // POP3
    std::string uidl;         // POP3
    // IMAP: the polled folder it came from when that is not the first one
    // (e.g. "Junk"); "" otherwise. Said by the server, not by the mail.
    std::string foundIn;
  };

  // The little the poller needs of a mailbox, so that IMAP and POP3 are
  // handled by the same code. A message leaves the server only through
  // Finish(), which the poller calls after the outcome is recorded.
  class IMailboxSession
  {
  public:
    enum class Destination
    {
      Processed,   // IMAP: the processed folder (or deleted); POP3: deleted
      Rejected     // IMAP: the rejected folder; POP3: deleted (a copy is kept locally)
    };

    virtual ~IMailboxSession() = default;

    // Messages that may be ours (IMAP narrows the search on the server, so
    // other mail is never fetched, not even marked \Seen).
    virtual std::vector<ServerMessage> ListCandidates() = 0;
    virtual void Fetch(const ServerMessage& message, ByteSink& sink) = 0;
    virtual void Finish(const ServerMessage& message, Destination destination) = 0;
    // Another node of this site works on the message (#18): this session
    // neither finishes it nor gives it back.
    virtual void Leave(const ServerMessage& /* message */)
    {
    }
    // Makes the Finish() calls take effect (POP3 deletes at QUIT).
    virtual void Commit() = 0;
    // POP3 has no folders: rejected mail is only safe once copied locally.
    virtual bool KeepsRejectedMail() const = 0;
  };
}
