// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Transport/CurlSession.h"
#include "Core/Transport/MailAccount.h"
#include "Core/Transport/TransferProgress.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // The maildrop of one POP3 account (pop3:// with STLS, or pop3s://), the
  // fallback for servers without IMAP.
  //
  // POP3 semantics to keep in mind:
  //  - Message numbers are only valid within one session (connection); the
  //    UIDL is the stable identity. Retrieve and Delete therefore take the
  //    Entry from ListUidl() and first check ("UIDL n") that number n still
  //    is that message; if libcurl had to reconnect in between, or the
  //    maildrop changed, they fail with a temporary TransportError: list
  //    again.
  //  - Delete() only marks a message (DELE); the server removes it when the
  //    session ends with QUIT, which Commit() sends. Close() and the
  //    destructor undo pending deletions (RSET) before QUIT; a crash leaves
  //    them undone too. Caveat: libcurl also sends QUIT when it drops the
  //    connection after a failed command or after ~2 minutes idle
  //    (CURLOPT_MAXAGE_CONN), which commits the deletions made so far.
  //    So: retrieve, store durably, Delete, Commit; every path at worst
  //    leaves a message on the server (a duplicate later, recognizable by its
  //    UIDL or Message-ID), never loses one.
  //
  // Failures throw TransportError, as for ImapMailbox. Not thread-safe.
  class Pop3Mailbox
  {
  public:
    struct Entry
    {
      unsigned int number;   // valid in this session only
      std::string uidl;      // stable across sessions
    };

    explicit Pop3Mailbox(const MailAccount& account);

    // Rolls back uncommitted deletions (RSET), then QUIT.
    ~Pop3Mailbox();

    Pop3Mailbox(const Pop3Mailbox&) = delete;
    Pop3Mailbox& operator=(const Pop3Mailbox&) = delete;

    // For every later operation; see ImapMailbox::SetProgress.
    void SetProgress(const TransferProgress& progress);

    // UIDL: every message not marked deleted, in server order.
    std::vector<Entry> ListUidl();

    // RETR: streams the message (dot-unstuffed by libcurl) into "sink".
    void Retrieve(const Entry& message, ByteSink& sink);

    // DELE: pending until Commit().
    void Delete(const Entry& message);

    // Ends the session with QUIT so the pending deletions take effect. The
    // next operation opens a new session (message numbers change).
    void Commit();

    // Ends the session, undoing the pending deletions (RSET + QUIT).
    void Close();

    bool HasPendingDeletions() const
    {
      return pendingDeletions_;
    }

  private:
    std::string MessageUrl(unsigned int number) const;
    std::string Describe(const Entry& message) const;
    void Perform(const std::string& operation);
    void CheckIdentity(const Entry& message, const std::string& operation);

    CurlSession session_;
    bool pendingDeletions_ = false;
  };
}
