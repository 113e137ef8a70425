// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/AcknowledgementQueueStore.h"
#include "Core/Store/Database.h"
#include "Core/Store/TransferFilter.h"
#include "Core/Transfer/InboxState.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  // One transfer as the receiver logs it. Timestamps: UtcTime strings, "" = not yet.
  struct InboxTransfer
  {
    std::string setId;
    std::string partner;                  // "" when the sender is no known partner
    std::string senderAddress;
    std::string signerFingerprint;
    unsigned int mailsExpected = 0;
    unsigned int mailsReceived = 0;
    unsigned int instancesImported = 0;
    unsigned int instancesFailed = 0;
    unsigned int instancesAlreadyStored = 0;
    std::string firstReceived;            // PutTransfer() fills it in when empty
    std::string completedAt;
    std::string senderDate;               // first mail's Date header, converted to UTC
    std::string lastImportAt;
    uint64_t bytes = 0;
    InboxTransferState state = InboxTransferState::Receiving;
    std::vector<std::string> reasons;
    bool qaTest = false;                  // a daily QA test (#17): not a clinical transfer
    int64_t completedMs = 0;              // when the last mail was done with (ms), 0 = not yet
  };

  struct InboxMail
  {
    int64_t id = 0;                       // given by RecordMail()
    std::string setId;                    // "" if unknown (e.g. could not decrypt)
    unsigned int part = 0;
    unsigned int total = 0;
    std::string messageId;
    std::string account;                  // name of the configured mailbox
    std::string mailboxUid;               // IMAP "uidvalidity:uid" or POP3 UIDL
    InboxMailState state = InboxMailState::Received;
    std::string reason;
    std::string receivedAt;               // RecordMail() fills it in when empty
    std::string processedAt;
    std::string disposition;              // of the MDN sent back, if any; of an acknowledgement, what it says
    uint64_t bytes = 0;
    std::string storedPath;               // a kept copy of the raw mail, "" if none
    bool mdnSent = false;
    // The display name of the mail's From, decoded (MailboxFormatter::
    // ExtractDisplayName): clear text any stranger can write, never
    // authenticated. For people to read; no decision may depend on it.
    std::string fromName;
    // The clear X-TELEMEDICINE-SETID of a mail that was not authenticated
    // (setId is then ""): what it claims to belong to, for people to read
    // and to retry a quarantined mail by; no transfer is touched by it.
    std::string claimedSetId;
    // An MDN answering one of our mails, not a DICOM-Mail: Accepted when
    // it was signed by the partner and named a mail of the outbox (setId and
    // part are then that mail's), Rejected otherwise.
    bool acknowledgement = false;
    // The polled folder other than the first (a spam folder, "Junk") where
    // the mail was found; set only once its signature was accepted, so a
    // stranger's mail never carries it.
    std::string foundIn;
  };

  // One message/partial fragment waiting for its siblings.
  struct FragmentRecord
  {
    std::string partialId;                // the "id" parameter of message/partial
    unsigned int number = 0;              // 1..total
    unsigned int total = 0;               // 0 when unknown (RFC 2046 requires it on the last only)
    std::string account;
    std::string serverId;                 // IMAP "uidvalidity:uid" or POP3 UIDL
    std::string setId;                    // from the fragment's outer X-TELEMEDICINE-* headers
    unsigned int setPart = 0;
    std::string receivedAt;               // AddFragment() fills it in when empty
    std::string path;                     // where it was saved, "" if it stays on the server
    std::string messageId;                // of the fragment mail itself
    uint64_t bytes = 0;                   // size of the fragment mail as fetched
  };

  // The receiver's log: transfers, mails, which server messages were already
  // handled (so that POP3, which has no flags, never processes a mail twice
  // across restarts) and message/partial fragments. Every method is atomic.
  // Unknown ids throw Error(NotFound), invalid states or timestamps BadInput.
  class InboxStore
  {
  public:
    explicit InboxStore(Database& db);

    // ---- Transfers ----------------------------------------------------------

    // Inserts, or replaces the transfer with the same set id. For a
    // read-modify-write, hold a Transaction around Get and Put.
    void PutTransfer(const InboxTransfer& transfer);

    bool GetTransfer(const std::string& setId, InboxTransfer& out);

    // Newest first (by firstReceived, which the filter's time range applies to).
    std::vector<InboxTransfer> ListTransfers(unsigned int limit, unsigned int offset,
                                             const TransferFilter& filter = TransferFilter());

    uint64_t CountTransfers();

    // The words of the states a transfer can be in (to check a filter's state).
    static const std::set<std::string>& GetTransferStates();

    // Notes that an instance of the transfer went into this Orthanc study
    // (its Orthanc id); recording it again changes nothing.
    void RecordStudy(const std::string& setId, const std::string& orthancStudyId);

    // The Orthanc studies recorded for the transfer, sorted.
    std::vector<std::string> ListStudies(const std::string& setId);

    // ---- Mails --------------------------------------------------------------

    // True if a mail of this set id and part was already imported
    // (InboxStates::IsImported): the same mail received twice is processed
    // once. A failed, rejected or quarantined one may be processed again.
    bool HasProcessed(const std::string& setId, unsigned int part);

    // Returns the new mail's id. A mail that was not authenticated (setId
    // "") is a stranger's as far as we know: recording it drops the oldest
    // such records beyond the limit below, so what strangers can make us
    // store stays bounded however much they send.
    int64_t RecordMail(const InboxMail& mail);

    // How many records of unauthenticated mail (rejected, quarantined,
    // refused acknowledgements) are kept; at least 1.
    void SetUnauthenticatedMailLimit(unsigned int limit);

    // The mail (new when its id is 0, else updated), its transfer and the
    // acknowledgement that answers it (queued for the mail's id) in one
    // transaction: a crash never leaves one without the others. Returns the id.
    int64_t RecordMailAndTransfer(const InboxMail& mail, const InboxTransfer* transfer,
                                  const QueuedAcknowledgement* acknowledgement = nullptr);

    // Overwrites every field of the mail with this id.
    void UpdateMail(const InboxMail& mail);

    bool GetMail(int64_t id, InboxMail& out);

    // The mails of one transfer, by part (then by arrival).
    std::vector<InboxMail> ListMails(const std::string& setId);

    // Mails in state Quarantined, newest first.
    std::vector<InboxMail> ListQuarantined();

    // Mails in "state", newest first.
    std::vector<InboxMail> ListMailsByState(InboxMailState state, unsigned int limit);

    // Every mail, newest first.
    std::vector<InboxMail> ListRecentMails(unsigned int limit);

    // ---- Messages seen on the mail servers ------------------------------------

    // Inserts or overwrites the outcome (free text, e.g. "imported", "rejected").
    void MarkSeen(const std::string& account, const std::string& serverId, const std::string& outcome);

    bool IsSeen(const std::string& account, const std::string& serverId);

    // False if not seen; else gives the outcome recorded.
    bool GetSeenOutcome(const std::string& account, const std::string& serverId, std::string& outcome);

    // Forgets the account's ids that are no longer on the server (after a
    // POP3 UIDL listing), so the table does not grow forever. Returns how many.
    unsigned int ForgetSeenExcept(const std::string& account, const std::set<std::string>& stillOnServer);

    // ---- message/partial fragments --------------------------------------------

    // False (and nothing changed) if this partialId + number is already there.
    bool AddFragment(const FragmentRecord& fragment);

    // By number.
    std::vector<FragmentRecord> ListFragments(const std::string& partialId);

    // Returns how many were removed.
    unsigned int RemoveFragments(const std::string& partialId);

    // Partial ids whose first fragment arrived before "time" and that still
    // lack fragments (no total known yet, or fewer distinct numbers than the
    // total); oldest first.
    std::vector<std::string> ListIncompleteOlderThan(const std::string& time);

    // The connection, for stores whose rows share the inbox's transactions
    // (AcknowledgementQueueStore).
    Database& GetDatabase()
    {
      return db_;
    }

  private:
    // "stateText" is a state's text, "" for all.
    std::vector<InboxMail> SelectMails(const std::string& stateText, unsigned int limit);

    Database& db_;
    unsigned int unauthenticatedMailLimit_ = 10000;
  };
}
