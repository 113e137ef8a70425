// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Partners/KeyRotationAcceptor.h"
#include "Core/Polling/IMailboxSession.h"
#include "Core/Polling/IPollEvents.h"
#include "Core/Polling/OrderedStage.h"
#include "Core/Receiving/DicomMailProcessor.h"
#include "Core/Receiving/IInstanceImporter.h"
#include "Core/Receiving/ITrustPolicy.h"
#include "Core/Receiving/MailClassification.h"
#include "Core/Receiving/ProcessResult.h"
#include "Core/Store/AcknowledgementQueueStore.h"
#include "Core/Store/ForwardStore.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/PartnerCapabilityStore.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace DicomMail
{
  class FragmentGroup;
  class TempFile;

  struct PollSummary
  {
    unsigned int fetched = 0;
    unsigned int imported = 0;
    unsigned int rejected = 0;
    unsigned int quarantined = 0;
    unsigned int acknowledgements = 0;
    unsigned int fragments = 0;
    unsigned int duplicates = 0;
  };

  // One pass over one mailbox: fetch what is new, classify it, hand
  // DICOM-Mail to the DicomMailProcessor, reassemble message/partial
  // fragments, read acknowledgements, record everything in the inbox store,
  // answer with MDNs, and only then move or delete the server's copy. Every
  // step is idempotent, so a crash at any point is repaired by the next poll.
  //
  // A DICOM-Mail goes fetch -> bound (MaxMailBytes) -> decrypt and verify
  // -> judge the signer (DicomMailProcessor::Prepare) -> and only if that
  // authenticated it: dedupe on the signed set numbers, import, record
  // under its transfer (InboxTransferUpdate), answer (AcknowledgementPolicy).
  // Its clear headers decide nothing; an unauthenticated mail is recorded
  // on its own, its clear SETID kept as a claim.
  class InboxPoller
  {
  public:
    struct Dependencies
    {
      std::string account;
      const Configuration* configuration = nullptr;
      std::string siteFingerprint;
      InboxStore* inbox = nullptr;
      OutboxStore* outbox = nullptr;
      AcknowledgementQueueStore* acknowledgements = nullptr;
      PartnerCapabilityStore* capabilities = nullptr;   // null: learn nothing from acknowledgements
      ForwardStore* forwards = nullptr;                 // null: queue no forward to the PACS
      KeyRotationAcceptor* rotations = nullptr;         // null: key announcements are refused (#22)
      OpenPgpContext* crypto = nullptr;
      // Mails decrypted at once (#15), each by its own gpg; the second and
      // later get their OpenPGP context from "newCrypto" (none: one at a
      // time). See Configuration::DecryptWorkers().
      unsigned int decryptWorkers = 1;
      std::function<std::unique_ptr<OpenPgpContext>()> newCrypto;
      ITrustPolicy* trust = nullptr;
      IInstanceImporter* importer = nullptr;
      IPollEvents* events = nullptr;
      std::function<bool()> stopRequested;
      std::function<void(const std::string&)> log;   // warnings for the Orthanc log
      // An authenticated mail was found in a polled folder other than the
      // first (folder, set id, partner); may be empty.
      std::function<void(const std::string&, const std::string&, const std::string&)> foundInSpamFolder;
      // Several nodes on one database (#18): claims a mail (its server id)
      // before it is fetched; false: another live node works on it, so this
      // poll leaves it alone. The claim is released once the mail has left
      // the server. Both empty: this node is alone.
      std::function<bool(const std::string&)> claimMail;
      std::function<void(const std::string&)> releaseMail;
    };

    explicit InboxPoller(const Dependencies& dependencies);
    ~InboxPoller();
    InboxPoller(const InboxPoller&) = delete;
    InboxPoller& operator=(const InboxPoller&) = delete;

    PollSummary Poll(IMailboxSession& session);

    // Processes the kept copies of the quarantined mails that claim "setId"
    // again (after the admin certified the key); returns how many mails
    // were imported.
    unsigned int RetryQuarantined(const std::string& setId);

    // What the inbox and status say of a mail found in "folder".
    static std::string FoundInNote(const std::string& folder);

    // Directory of kept copies (quarantined and, for POP3, rejected mail).
    static std::string KeptMailDirectory(const Configuration& configuration);

  private:
    typedef std::map<std::string, ServerMessage> Listing;

    void FetchAndHandle(IMailboxSession& session, const std::vector<ServerMessage>& candidates,
                        const Listing& listing, std::set<std::string>& stillThere, PollSummary& summary);
    void HandleMessage(IMailboxSession& session, const ServerMessage& message, const std::string& path,
                       const MailClassification& facts, const Listing& listing, PollSummary& summary);
    void HandleDicomMail(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                         const std::string& path, const MailClassification& facts, PollSummary& summary);
    DicomMailProcessor* NewProcessor() const;
    // Dedupe, import, record and answer a mail Prepare() checked.
    void HandlePreparedMail(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                            const std::string& path, std::unique_ptr<DicomMailProcessor> processor,
                            const ProcessResult& result, PollSummary& summary);
    // A fetched DICOM-Mail's decryption and checks run on their own thread
    // while the next mail is fetched, up to decryptWorkers mails at once;
    // they are completed (deduped, imported, recorded, moved) in their
    // order, the oldest first when a new one would exceed that number, all
    // before anything else is handled and before the poll ends.
    struct PendingPrepare;
    void StartPrepare(IMailboxSession& session, const ServerMessage& message, std::unique_ptr<TempFile> file,
                      const MailClassification& facts, PollSummary& summary);
    void CompleteOldestPrepare(IMailboxSession& session, PollSummary& summary);
    void CompletePendingPrepare(IMailboxSession& session, PollSummary& summary);
    // Completes, without waiting, the finished import and then the finished
    // decryptions in their order, so that a mail is imported as soon as it
    // is verified and all before it are done (#15).
    void CompleteFinishedWork(IMailboxSession& session, PollSummary& summary);
    // The OpenPGP context of a decryption lane (OrderedStage).
    OpenPgpContext& CryptoOfLane(size_t lane);
    // Whether an authenticated mail repeats a part already imported.
    bool IsDuplicate(IMailboxSession& session, const ProcessResult& result, PollSummary& summary);
    void AnswerDuplicate(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                         const ProcessResult& result, PollSummary& summary);
    // Records (with its acknowledgement) and moves a processed mail; "path"
    // (for a kept copy) may be empty once the mail was prepared.
    void CompleteDicomMail(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                           const std::string& path, const ProcessResult& result, PollSummary& summary);
    // An authenticated image-quality confirmation (#17): recorded on our
    // QA transfer, or refused when it names none we sent to that partner.
    void CompleteKeyAnnouncement(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                                 const ProcessResult& result, PollSummary& summary);
    void CompleteQaConfirmation(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                                const ProcessResult& result, PollSummary& summary);
    // Records it and the mail; "" or why it was refused.
    std::string RecordQaConfirmation(const ProcessResult& result, InboxMail record);

    // One mail's import runs on its own thread while the next mail is
    // fetched and decrypted; it is completed before the next import starts
    // and before the poll ends.
    struct PendingImport;
    void StartImport(std::unique_ptr<DicomMailProcessor> processor, const ProcessResult& prepared,
                     const std::vector<ServerMessage>& sources);
    void CompletePendingImport(IMailboxSession& session, PollSummary& summary);
    void HandlePartial(IMailboxSession& session, const ServerMessage& message, const std::string& path,
                       const MailClassification& facts, const Listing& listing, PollSummary& summary);
    void HandleAcknowledgement(IMailboxSession& session, const ServerMessage& message, const std::string& path,
                               const MailClassification& facts, PollSummary& summary);
    void Reject(IMailboxSession& session, const std::vector<ServerMessage>& sources, const std::string& path,
                const MailClassification& facts, const std::string& reason, PollSummary& summary);
    void Finish(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                IMailboxSession::Destination destination, const std::string& outcome);
    void FinishAgain(IMailboxSession& session, const ServerMessage& message, const std::string& outcome);
    // The mail has left the server: its cluster claim (#18) goes.
    void ReleaseClaim(const ServerMessage& message);
    bool IsCompleteFragmentGroup(const std::string& outcome) const;

    // A copy in the bounded kept-mail archive; "" and "notKept" saying why
    // when it cannot be kept.
    std::string KeepCopy(const std::string& path, const std::string& label, std::string& notKept);
    InboxMail MailRecordFor(const ProcessResult& result, const std::string& serverId,
                            const std::string& keptPath) const;
    // The mail, its transfer and its acknowledgement in one transaction.
    int64_t RecordOutcome(const ProcessResult& result, const InboxMail& mail);
    bool ComputeTransfer(const ProcessResult& result, const InboxMail& newMail, InboxTransfer& transfer) const;
    // A transfer that is complete now is queued for the PACS, once
    // (ForwardDecision), inside the caller's transaction.
    void QueueForward(const InboxTransfer& transfer);
    // Whether this mail is answered, and with what; false for none.
    bool AcknowledgementFor(const ProcessResult& result, QueuedAcknowledgement& acknowledgement) const;
    // Groups still incomplete after IncompleteTimeout: reported, their
    // fragments refused (Rejected folder) and their state dropped.
    void ExpireIncompleteFragments(IMailboxSession& session, const Listing& listing, PollSummary& summary);
    // Refuses a whole message/partial group: its fragments still on the
    // server, one record with the reason, and the group's state dropped.
    void RejectFragmentGroup(IMailboxSession& session, const FragmentGroup& group, const Listing& listing,
                             const std::string& path, const MailClassification& facts, const std::string& reason,
                             PollSummary& summary);
    void Log(const std::string& message) const;
    // Flags an authenticated mail found outside the first polled folder.
    void NoteFoundIn(const std::vector<ServerMessage>& sources, const ProcessResult& result,
                     InboxMail& record) const;

    std::unique_ptr<PendingImport> pending_;
    std::unique_ptr<OrderedStage<PendingPrepare> > prepared_;
    std::vector<std::unique_ptr<OpenPgpContext> > laneCrypto_;   // lanes 1 and up

    Dependencies d_;
  };
}
