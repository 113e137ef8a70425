// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Transport/CurlSession.h"
#include "Core/Transport/ImapQuota.h"
#include "Core/Transport/MailAccount.h"
#include "Core/Transport/TransferProgress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // One folder of one IMAP account (imap:// with STARTTLS, or imaps://),
  // addressed by UID. All operations share one connection, which libcurl
  // keeps open between calls (and reopens when needed). The server must
  // support UIDPLUS and MOVE (Dovecot, Cyrus, Gmail, Exchange do).
  //
  // Failures throw TransportError (IsPermanent / IsTemporary / IsCancelled,
  // with the server's reply line); an unknown UID is a permanent
  // TransportError for Fetch/FetchHeaders/GetFlags, and a silent no-op for
  // AddFlag/Move/Delete (so that a repeated step of a restarted job is
  // harmless). Folder names must be ASCII (no modified UTF-7 here). Not
  // thread-safe: one object per thread.
  class ImapMailbox
  {
  public:
    ImapMailbox(const MailAccount& account, const std::string& folder = "INBOX");

    const std::string& GetFolder() const
    {
      return folder_;
    }

    // For every later operation: progress and cancellation (return false to
    // abort within about a second, e.g. at shutdown). Empty = none.
    void SetProgress(const TransferProgress& progress);

    // UIDs matching an IMAP SEARCH criteria string ("ALL", "UNSEEN",
    // "NOT KEYWORD $Imported", "HEADER Message-ID " + Quote(id)), ascending.
    std::vector<uint32_t> ListUids(const std::string& searchCriteria = "ALL");

    // NOOP: the server reports what other sessions changed in the folder
    // since our last command (Dovecot's SEARCH sees mail another session
    // moved in only after that).
    void Refresh();

    // The folder's UIDVALIDITY: when it changes, remembered UIDs are void.
    uint32_t GetUidValidity();

    // The header section of a message (up to and including the empty line).
    // NOTE: libcurl fetches BODY[HEADER], not BODY.PEEK[HEADER] (a custom
    // FETCH request loses the literal), so this sets \Seen on the message.
    // More than maxSize bytes fail with Error(LimitExceeded).
    std::string FetchHeaders(uint32_t uid, size_t maxSize = 1024 * 1024);

    // Streams the whole message (BODY[], so \Seen gets set) into "sink" as
    // it arrives; nothing is buffered whole. Progress total = message size.
    void Fetch(uint32_t uid, ByteSink& sink);

    // The message's flags and keywords, e.g. {"\\Seen", "$Imported"}.
    std::vector<std::string> GetFlags(uint32_t uid);

    // A system flag ("\\Flagged", "\\Seen") or a keyword ("$Imported").
    void AddFlag(uint32_t uid, const std::string& flag);

    void RemoveFlag(uint32_t uid, const std::string& flag);

    // Sets "keyword" unless the message has it already or another client
    // changed the message since we read its MODSEQ (a conditional STORE,
    // RFC 7162 CONDSTORE): of clients racing for one message exactly one
    // gets true. False too when the message is gone. (UID MOVE alone is no
    // such lock: Dovecot lets two sessions move one message, each getting
    // a copy.) Needs CONDSTORE (Dovecot, Cyrus, Gmail do). "alsoSet", if
    // given, is set in the same STORE.
    bool AddKeywordFirst(uint32_t uid, const std::string& keyword, const std::string& alsoSet = "");

    // UID MOVE to another folder of the account, creating it if missing.
    // Returns the message's UID in the target folder (COPYUID), or 0 when
    // the message was not there to move (e.g. another client moved it
    // first: MOVE is atomic, only one client gets the UID).
    uint32_t Move(uint32_t uid, const std::string& targetFolder);

    // Marks \Deleted and expunges just this UID (UID EXPUNGE): gone for good.
    void Delete(uint32_t uid);

    // Uploads a message into "folder" (created if missing) and returns its
    // UID (from APPENDUID; 0 if the server does not report it). libcurl
    // appends with the \Seen flag. Same size contract as SmtpSender::Send.
    uint32_t Append(const std::string& targetFolder, ByteSource& message, uint64_t size);

    // Whether the server's CAPABILITY (after login) names "capability",
    // e.g. "QUOTA" or "WITHIN".
    bool Offers(const std::string& capability);

    // The quota of this folder (GETQUOTAROOT) when the server's CAPABILITY
    // offers QUOTA; "offered" false, and nothing asked, otherwise.
    ImapQuota GetQuota(bool& offered);

    // No error if it exists already.
    void CreateFolder(const std::string& name);

    // No error if it does not exist.
    void DeleteFolder(const std::string& name);

    // LOGOUT now instead of when the object goes.
    void Close();

    // An IMAP quoted string, for search criteria built from data.
    static std::string Quote(const std::string& value);

    // Connections this mailbox opened so far (one while it is reused).
    unsigned int GetConnectionsOpened() const
    {
      return session_.GetConnectionsOpened();
    }

  private:
    std::string FolderUrl(const std::string& folder) const;
    std::string MessageUrl(uint32_t uid) const;
    std::string RootUrl() const;
    void Command(const std::string& url, const std::string& command, const std::string& operation);
    std::string CommandText(const std::string& url, const std::string& command, const std::string& operation);
    std::string Describe(uint32_t uid) const;

    CurlSession session_;
    std::string folder_;
  };
}
