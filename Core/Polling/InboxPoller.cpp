// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/InboxPoller.h"

#include "Core/Acknowledgement/AcknowledgementBuilder.h"
#include "Core/Acknowledgement/AcknowledgementMatch.h"
#include "Core/Acknowledgement/AcknowledgementPolicy.h"
#include "Core/Acknowledgement/AcknowledgementReader.h"
#include "Core/Common/DiskSpaceGuard.h"
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Common/SizeLimitedSink.h"
#include "Core/Forwarding/ForwardDecision.h"
#include "Core/Polling/FragmentGroup.h"
#include "Core/Polling/InboxTransferUpdate.h"
#include "Core/QualityAssurance/ImageQualityReceipt.h"
#include "Core/Receiving/DicomMailProcessor.h"
#include "Core/Receiving/KeptMailArchive.h"
#include "Core/Receiving/MailClassifier.h"
#include "Core/Store/Transaction.h"
#include "Core/Store/UtcMillis.h"
#include "Core/Store/UtcTime.h"
#include "Core/Transfer/PartialReassembler.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <set>
#include <thread>

namespace DicomMail
{
  namespace
  {
    const char* const kOutcomeProcessed = "processed";
    const char* const kOutcomeRejected = "rejected";
    const char* const kOutcomeQuarantined = "quarantined";
    const char* const kOutcomeFragment = "fragment";

    InboxMailState StateOf(ProcessOutcome outcome)
    {
      switch (outcome)
      {
        case ProcessOutcome::Imported:             return InboxMailState::Imported;
        case ProcessOutcome::ImportedWithWarnings: return InboxMailState::Warning;
        case ProcessOutcome::Failed:               return InboxMailState::Failed;
        case ProcessOutcome::Quarantined:          return InboxMailState::Quarantined;
        default:                                   return InboxMailState::Rejected;
      }
    }

    std::string Join(const std::vector<std::string>& reasons)
    {
      std::string result;
      for (const std::string& r : reasons)
      {
        result += (result.empty() ? "" : "; ") + r;
      }
      return result;
    }
  }

  InboxPoller::InboxPoller(const Dependencies& dependencies) :
    prepared_(new OrderedStage<PendingPrepare>(dependencies.newCrypto ? dependencies.decryptWorkers : 1)),
    d_(dependencies)
  {
  }

  struct InboxPoller::PendingImport
  {
    std::unique_ptr<DicomMailProcessor> processor;
    ProcessResult result;
    std::vector<ServerMessage> sources;
    std::string error;   // what the import thread threw
    std::atomic<bool> done{false};
    std::thread thread;

    ~PendingImport()
    {
      if (thread.joinable())
      {
        thread.join();
      }
    }
  };

  struct InboxPoller::PendingPrepare
  {
    std::unique_ptr<DicomMailProcessor> processor;
    ServerMessage message;
    std::unique_ptr<TempFile> file;   // the fetched mail
    ProcessResult result;
  };

  // Joins the pending decryptions first (they may hold the last reference
  // to their mails' files and use the lanes' contexts), then a pending
  // import.
  InboxPoller::~InboxPoller()
  {
    prepared_.reset();
    pending_.reset();
  }


  std::string InboxPoller::KeptMailDirectory(const Configuration& configuration)
  {
    return configuration.stateDirectory + "/kept-mail";
  }

  void InboxPoller::Log(const std::string& message) const
  {
    if (d_.log)
    {
      d_.log(message);
    }
  }

  PollSummary InboxPoller::Poll(IMailboxSession& session)
  {
    PollSummary summary;
    const std::vector<ServerMessage> candidates = session.ListCandidates();
    Listing listing;
    for (const ServerMessage& m : candidates)
    {
      listing[m.serverId] = m;
    }

    std::set<std::string> stillThere;
    try
    {
      FetchAndHandle(session, candidates, listing, stillThere, summary);
      CompletePendingImport(session, summary);
    }
    catch (...)
    {
      // The import finishes (the destructor joins) but is not recorded: the
      // mail stays on the server and the next poll finds its instances
      // already stored.
      prepared_->Clear();   // their mails stay on the server, untouched
      pending_.reset();
      throw;
    }

    if (!session.KeepsRejectedMail())
    {
      // POP3: forget ids that left the server, so the table stays small.
      d_.inbox->ForgetSeenExcept(d_.account, stillThere);
    }
    ExpireIncompleteFragments(session, listing, summary);
    session.Commit();
    return summary;
  }

  void InboxPoller::FetchAndHandle(IMailboxSession& session, const std::vector<ServerMessage>& candidates,
                                   const Listing& listing, std::set<std::string>& stillThere, PollSummary& summary)
  {
    for (const ServerMessage& message : candidates)
    {
      stillThere.insert(message.serverId);
      if (d_.stopRequested && d_.stopRequested())
      {
        break;
      }
      if (d_.claimMail && !d_.claimMail(message.serverId))
      {
        session.Leave(message);   // another node's to import, acknowledge and move
        continue;
      }
      std::string outcome;
      if (d_.inbox->GetSeenOutcome(d_.account, message.serverId, outcome) && !IsCompleteFragmentGroup(outcome))
      {
        // Recorded but perhaps not yet moved when we were stopped: finish it.
        FinishAgain(session, message, outcome);
        continue;
      }

      // While this mail is fetched, the DICOM-Mail before it is decrypted
      // and verified (PendingPrepare) and the one before that imported
      // (PendingImport): the three overlap, in order (#15). What finished
      // meanwhile goes on now, not once the stage fills.
      CompleteFinishedWork(session, summary);
      DiskSpaceGuard(d_.configuration->limits.minFreeDiskBytes).Require(d_.configuration->workingDirectory, 0,
                                                                        "fetching a mail");
      std::unique_ptr<TempFile> file(new TempFile(d_.configuration->workingDirectory, ".eml"));
      try
      {
        FileSink sink(file->GetPath());
        SizeLimitedSink limited(sink, d_.configuration->limits.maxMailBytes, SizeLimitedSink::kFetchedMail,
                                "Limits.MaxMailBytes");
        session.Fetch(message, limited);
        sink.Close();
      }
      catch (const Error& e)
      {
        if (e.GetKind() == ErrorKind::LimitExceeded)
        {
          CompletePendingPrepare(session, summary);
          MailClassification none;
          Reject(session, {message}, "", none, e.what(), summary);
          continue;
        }
        throw;   // transport or disk trouble: the next poll tries again
      }
      summary.fetched++;
      CompleteFinishedWork(session, summary);
      const MailClassification facts = MailClassifier(d_.configuration->limits).Classify(file->GetPath());
      if (facts.kind == MailKind::DicomMail)
      {
        StartPrepare(session, message, std::move(file), facts, summary);
        continue;
      }
      CompletePendingPrepare(session, summary);
      HandleMessage(session, message, file->GetPath(), facts, listing, summary);
    }
    CompletePendingPrepare(session, summary);
  }

  bool InboxPoller::IsCompleteFragmentGroup(const std::string& outcome) const
  {
    const std::string prefix = std::string(kOutcomeFragment) + ":";
    if (outcome.compare(0, prefix.size(), prefix) != 0)
    {
      return false;
    }
    // Complete but still waiting: we were stopped between the last fragment
    // and the reassembly. Fetching this fragment again finishes the group.
    return FragmentGroup(d_.inbox->ListFragments(outcome.substr(prefix.size()))).IsComplete();
  }

  void InboxPoller::FinishAgain(IMailboxSession& session, const ServerMessage& message, const std::string& outcome)
  {
    if (outcome == kOutcomeProcessed)
    {
      session.Finish(message, IMailboxSession::Destination::Processed);
      ReleaseClaim(message);
    }
    else if (outcome == kOutcomeRejected || outcome == kOutcomeQuarantined)
    {
      session.Finish(message, IMailboxSession::Destination::Rejected);
      ReleaseClaim(message);
    }
    // Fragments wait for their siblings; other outcomes stay where they are.
  }

  void InboxPoller::ReleaseClaim(const ServerMessage& message)
  {
    if (d_.releaseMail)
    {
      d_.releaseMail(message.serverId);
    }
  }

  void InboxPoller::Finish(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                           IMailboxSession::Destination destination, const std::string& outcome)
  {
    // Record first, then touch the server: a crash in between is repaired
    // by FinishAgain() on the next poll, and nothing is deleted unseen.
    for (const ServerMessage& m : sources)
    {
      d_.inbox->MarkSeen(d_.account, m.serverId, outcome);
    }
    for (const ServerMessage& m : sources)
    {
      session.Finish(m, destination);
      ReleaseClaim(m);
    }
  }

  void InboxPoller::HandleMessage(IMailboxSession& session, const ServerMessage& message, const std::string& path,
                                  const MailClassification& facts, const Listing& listing, PollSummary& summary)
  {
    switch (facts.kind)
    {
      case MailKind::DicomMail:
        HandleDicomMail(session, {message}, path, facts, summary);
        break;
      case MailKind::Partial:
        HandlePartial(session, message, path, facts, listing, summary);
        break;
      case MailKind::Acknowledgement:
        HandleAcknowledgement(session, message, path, facts, summary);
        break;
      case MailKind::Malformed:
        Reject(session, {message}, path, facts, facts.reason, summary);
        break;
      case MailKind::Other:
        // Not ours (only POP3 lists everything): leave it alone.
        d_.inbox->MarkSeen(d_.account, message.serverId, "other");
        break;
    }
  }

  std::string InboxPoller::KeepCopy(const std::string& path, const std::string& label, std::string& notKept)
  {
    notKept.clear();
    if (path.empty())
    {
      return "";
    }
    const DiskSpaceGuard disk(d_.configuration->limits.minFreeDiskBytes);
    KeptMailArchive archive(KeptMailDirectory(*d_.configuration), d_.configuration->keptMail.maxBytes,
                            d_.configuration->keptMail.maxAgeDays, disk);
    std::string whyNot;
    const std::string kept = archive.Keep(path, label, whyNot);
    if (kept.empty())
    {
      notKept = "copy not kept: " + whyNot;   // the outcome is recorded all the same
      Log("a " + label + " mail was not copied to " + KeptMailDirectory(*d_.configuration) + " (" + whyNot + ")");
    }
    return kept;
  }

  void InboxPoller::Reject(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                           const std::string& path, const MailClassification& facts, const std::string& reason,
                           PollSummary& summary)
  {
    Log("rejected a mail from " + (facts.fromAddress.empty() ? std::string("an unknown sender") : facts.fromAddress) +
        ": " + reason);
    InboxMail mail;
    mail.claimedSetId = facts.set.present ? facts.set.setId : "";   // nothing here is authenticated
    mail.part = facts.set.part;
    mail.total = facts.set.total;
    mail.messageId = facts.messageId.substr(0, 998);
    mail.account = d_.account;
    mail.mailboxUid = sources.empty() ? "" : sources.front().serverId;
    mail.fromName = facts.fromName;
    mail.acknowledgement = facts.kind == MailKind::Acknowledgement ||
      facts.structuralKind == MailKind::Acknowledgement;
    mail.state = InboxMailState::Rejected;
    mail.reason = reason;
    mail.processedAt = UtcTime::Now();
    mail.bytes = path.empty() ? 0 : Files::GetSize(path);
    if (!session.KeepsRejectedMail())
    {
      std::string notKept;
      mail.storedPath = KeepCopy(path, "rejected", notKept);
      mail.reason += notKept.empty() ? "" : "; " + notKept;
    }
    d_.inbox->RecordMail(mail);
    summary.rejected++;
    Finish(session, sources, IMailboxSession::Destination::Rejected, kOutcomeRejected);
  }

  void InboxPoller::HandleDicomMail(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                                    const std::string& path, const MailClassification& /* clear headers */,
                                    PollSummary& summary)
  {
    // Decrypt, verify, judge the signer and check the signed entity. Up to
    // here nothing is decided on the clear headers: anyone on the mail path
    // may have written them.
    std::unique_ptr<DicomMailProcessor> processor(NewProcessor());
    const ProcessResult result = processor->Prepare(path);
    HandlePreparedMail(session, sources, path, std::move(processor), result, summary);
  }

  DicomMailProcessor* InboxPoller::NewProcessor() const
  {
    return new DicomMailProcessor(*d_.crypto, *d_.trust, *d_.importer, d_.configuration->workingDirectory,
                                  d_.configuration->limits);
  }

  void InboxPoller::HandlePreparedMail(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                                       const std::string& path, std::unique_ptr<DicomMailProcessor> processor,
                                       const ProcessResult& result, PollSummary& summary)
  {
    if (result.authenticated && result.qaConfirmation.present)
    {
      CompleteQaConfirmation(session, sources, result, summary);
      return;
    }
    if (result.authenticated && result.keyAnnouncement.present)
    {
      CompleteKeyAnnouncement(session, sources, result, summary);   // #22
      return;
    }

    // Only now, on authenticated numbers: dedupe, import, record, answer.
    if (IsDuplicate(session, result, summary))
    {
      AnswerDuplicate(session, sources, result, summary);
      return;
    }
    if (processor->IsReadyToImport())
    {
      CompletePendingImport(session, summary);
      StartImport(std::move(processor), result, sources);
      return;
    }
    CompleteDicomMail(session, sources, path, result, summary);
  }

  bool InboxPoller::IsDuplicate(IMailboxSession& session, const ProcessResult& result, PollSummary& summary)
  {
    // Only the signed X-TELEMEDICINE-* numbers identify a part. A plain
    // PGP/MIME mail's derived id rests on its clear Message-ID, so such a
    // mail is imported again instead (Orthanc keeps instances once).
    if (!result.authenticated || !result.innerSetHeaders || result.setId.empty())
    {
      return false;
    }
    if (pending_ && pending_->result.setId == result.setId && pending_->result.part == result.part)
    {
      CompletePendingImport(session, summary);   // its copy is still being imported: wait for its record
    }
    return d_.inbox->HasProcessed(result.setId, result.part);
  }

  void InboxPoller::AnswerDuplicate(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                                    const ProcessResult& result, PollSummary& summary)
  {
    // The same mail twice (a resend after a lost acknowledgement): processed
    // once, but answered again so that the sender can close the transfer.
    summary.duplicates++;
    ProcessResult again = result;
    again.localFailure = false;   // whatever this copy met, the part is in the PACS
    again.outcome = ProcessOutcome::ImportedWithWarnings;
    again.disposition = Disposition::DisplayedWarning;
    again.reasons.assign(1, "duplicate of a mail already imported");
    QueuedAcknowledgement acknowledgement;
    if (AcknowledgementFor(again, acknowledgement))
    {
      // Queued before the move: a crash in between answers twice, never not at all.
      d_.acknowledgements->Add(acknowledgement);
      d_.events->OnAcknowledgementsQueued();
    }
    Finish(session, sources, IMailboxSession::Destination::Processed, kOutcomeProcessed);
  }

  void InboxPoller::StartImport(std::unique_ptr<DicomMailProcessor> processor, const ProcessResult& prepared,
                                const std::vector<ServerMessage>& sources)
  {
    std::unique_ptr<PendingImport> pending(new PendingImport);
    pending->processor = std::move(processor);
    pending->result = prepared;
    pending->sources = sources;
    PendingImport* p = pending.get();
    pending->thread = std::thread([p] {
      try
      {
        p->processor->ImportPrepared(p->result);
      }
      catch (const std::exception& e)
      {
        p->error = e.what();
      }
      catch (...)
      {
        p->error = "unexpected error";
      }
      p->done.store(true);
    });
    pending_ = std::move(pending);
  }

  void InboxPoller::StartPrepare(IMailboxSession& session, const ServerMessage& message,
                                 std::unique_ptr<TempFile> file,
                                 const MailClassification& /* clear headers, decide nothing */,
                                 PollSummary& summary)
  {
    if (prepared_->IsFull())
    {
      CompleteOldestPrepare(session, summary);   // bounded: files and gpg processes
    }
    // Only the processor's own work runs on the thread: gpg, the trust
    // policy's look-ups, temporary files. The mailbox session, the records
    // and the acknowledgements stay on the polling thread, in mail order.
    std::unique_ptr<PendingPrepare> prepare(new PendingPrepare);
    prepare->processor.reset(new DicomMailProcessor(CryptoOfLane(prepared_->NextLane()), *d_.trust, *d_.importer,
                                                    d_.configuration->workingDirectory, d_.configuration->limits));
    prepare->message = message;
    prepare->file = std::move(file);
    prepared_->Start(std::move(prepare), [](PendingPrepare& p) {
      p.result = p.processor->Prepare(p.file->GetPath());
    });
  }

  OpenPgpContext& InboxPoller::CryptoOfLane(size_t lane)
  {
    if (lane == 0)
    {
      return *d_.crypto;
    }
    while (laneCrypto_.size() < lane)
    {
      laneCrypto_.push_back(d_.newCrypto());   // created once a second mail is decrypted at once
    }
    return *laneCrypto_[lane - 1];
  }

  void InboxPoller::CompleteOldestPrepare(IMailboxSession& session, PollSummary& summary)
  {
    std::string error;
    std::unique_ptr<PendingPrepare> done = prepared_->TakeOldest(error);
    if (!done)
    {
      return;
    }
    if (!error.empty())
    {
      // Prepare() turns every failure into a result; this is a bug or
      // memory: the mail stays on the server for the next poll.
      Log("cannot process a mail now, will retry: " + error);
      return;
    }
    HandlePreparedMail(session, {done->message}, done->file->GetPath(), std::move(done->processor), done->result,
                       summary);
  }

  void InboxPoller::CompleteFinishedWork(IMailboxSession& session, PollSummary& summary)
  {
    // Never waits: a running import or decryption is left to run. Mail order
    // holds, as the import is older than every mail still in decryption.
    if (pending_ && pending_->done.load())
    {
      CompletePendingImport(session, summary);
    }
    while (!pending_ && prepared_->IsOldestDone())
    {
      CompleteOldestPrepare(session, summary);
    }
  }

  void InboxPoller::CompletePendingPrepare(IMailboxSession& session, PollSummary& summary)
  {
    while (!prepared_->IsEmpty())
    {
      CompleteOldestPrepare(session, summary);
    }
  }

  void InboxPoller::CompletePendingImport(IMailboxSession& session, PollSummary& summary)
  {
    if (!pending_)
    {
      return;
    }
    std::unique_ptr<PendingImport> done(std::move(pending_));
    done->thread.join();
    if (!done->error.empty())
    {
      Log("cannot import a mail of transfer " + done->result.setId + " now, will retry: " + done->error);
      return;
    }
    CompleteDicomMail(session, done->sources, "", done->result, summary);
  }

  void InboxPoller::CompleteDicomMail(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                                      const std::string& path, const ProcessResult& result, PollSummary& summary)
  {
    if (result.localFailure)
    {
      // Our side failed (disk full, Orthanc refused): the mail stays on the
      // server untouched and the next poll tries again.
      Log("cannot process a mail of transfer " + result.setId + " now, will retry: " + Join(result.reasons));
      return;
    }

    if (!result.keyUpdate.empty())
    {
      Log("partner " + result.partner + ": " + result.keyUpdate);   // fingerprints only (#22)
    }
    if (result.keyChanged && d_.events != nullptr)
    {
      d_.events->OnKeyChanged(result.signerFingerprint);
    }

    std::string kept, notKept;
    if (result.outcome == ProcessOutcome::Quarantined ||
        (!session.KeepsRejectedMail() && !result.IsPositive()))
    {
      kept = KeepCopy(path, result.outcome == ProcessOutcome::Quarantined ? "quarantined" : "rejected", notKept);
    }
    InboxMail record = MailRecordFor(result, sources.front().serverId, kept);
    record.reason += notKept.empty() ? "" : (record.reason.empty() ? "" : "; ") + notKept;
    NoteFoundIn(sources, result, record);
    RecordOutcome(result, record);

    if (result.IsPositive())
    {
      summary.imported++;
      Finish(session, sources, IMailboxSession::Destination::Processed, kOutcomeProcessed);
    }
    else if (result.outcome == ProcessOutcome::Quarantined)
    {
      summary.quarantined++;
      Log("quarantined a mail claiming transfer " + result.claimedSetId + " from " + result.fromAddress + ": " +
          Join(result.reasons));
      Finish(session, sources, IMailboxSession::Destination::Rejected, kOutcomeQuarantined);
    }
    else
    {
      summary.rejected++;
      Log("refused a mail " + (result.authenticated ? "of transfer " + result.setId :
                               "claiming transfer " + result.claimedSetId) +
          " from " + result.fromAddress + ": " + Join(result.reasons));
      Finish(session, sources, IMailboxSession::Destination::Rejected, kOutcomeRejected);
    }
  }

  void InboxPoller::CompleteQaConfirmation(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                                           const ProcessResult& result, PollSummary& summary)
  {
    // Recorded before the mail leaves the inbox.
    InboxMail record = MailRecordFor(result, sources.front().serverId, "");
    const std::string problem = RecordQaConfirmation(result, record);
    if (problem.empty())
    {
      summary.imported++;
      Log("partner " + result.partner + " confirmed the image quality of QA test " +
          result.qaConfirmation.testSetId);
      Finish(session, sources, IMailboxSession::Destination::Processed, kOutcomeProcessed);
    }
    else
    {
      summary.rejected++;
      Log("refused a mail from partner " + result.partner + ": " + problem);
      Finish(session, sources, IMailboxSession::Destination::Rejected, kOutcomeRejected);
    }
  }

  void InboxPoller::CompleteKeyAnnouncement(IMailboxSession& session, const std::vector<ServerMessage>& sources,
                                            const ProcessResult& result, PollSummary& summary)
  {
    // Taken (or refused) and recorded before the mail leaves the inbox; no MDN.
    const std::string problem = d_.rotations == nullptr ? "key announcements are not taken here" :
      d_.rotations->Accept(*d_.crypto, result.partner, result.signerFingerprint, result.keyAnnouncement,
                           UtcMillis::Now());
    InboxMail record = MailRecordFor(result, sources.front().serverId, "");
    record.state = problem.empty() ? InboxMailState::Imported : InboxMailState::Rejected;
    record.reason = problem.empty() ? "key announcement: now using the key " + result.keyAnnouncement.newFingerprint :
      "key announcement refused: " + problem;
    d_.inbox->RecordMail(record);
    Log("partner " + result.partner + ": " + record.reason);   // fingerprints only
    if (problem.empty() && d_.events != nullptr)
    {
      d_.events->OnKeyChanged(result.keyAnnouncement.newFingerprint);
    }
    (problem.empty() ? summary.imported : summary.rejected)++;
    Finish(session, sources, problem.empty() ? IMailboxSession::Destination::Processed :
           IMailboxSession::Destination::Rejected, problem.empty() ? kOutcomeProcessed : kOutcomeRejected);
  }

  std::string InboxPoller::RecordQaConfirmation(const ProcessResult& result, InboxMail record)
  {
    // No transfer and no answer: an MDN would answer a mail that is no transfer.
    std::string problem;
    const bool recorded = ImageQualityReceipt::Record(d_.inbox->GetDatabase(), result.partner,
                                                      result.signerFingerprint, result.qaConfirmation,
                                                      UtcMillis::Now(), problem);
    record.state = recorded ? InboxMailState::Imported : InboxMailState::Rejected;
    record.reason = recorded ? "image-quality confirmation of QA test " + result.qaConfirmation.testSetId : problem;
    d_.inbox->RecordMail(record);
    return problem;
  }

  InboxMail InboxPoller::MailRecordFor(const ProcessResult& result, const std::string& serverId,
                                       const std::string& keptPath) const
  {
    InboxMail mail;
    mail.setId = result.authenticated ? result.setId : "";
    // Not authenticated: listed as its own entry, the clear SETID a claim.
    mail.claimedSetId = mail.setId.empty() ? result.claimedSetId : "";
    mail.part = result.part;
    mail.total = result.total;
    mail.messageId = result.messageId.substr(0, 998);
    mail.account = d_.account;
    mail.mailboxUid = serverId;
    mail.fromName = result.fromName;
    mail.state = StateOf(result.outcome);
    mail.reason = Join(result.reasons);
    mail.processedAt = UtcTime::Now();
    mail.disposition = ToString(result.disposition);
    mail.bytes = result.mailBytes;
    mail.storedPath = keptPath;
    return mail;
  }

  int64_t InboxPoller::RecordOutcome(const ProcessResult& result, const InboxMail& mail)
  {
    if (result.authenticated && result.qaConfirmation.present)
    {
      RecordQaConfirmation(result, mail);   // reassembled or retried after quarantine
      return 0;
    }
    InboxTransfer transfer;
    const bool hasTransfer = ComputeTransfer(result, mail, transfer);
    QueuedAcknowledgement acknowledgement;
    const bool answer = AcknowledgementFor(result, acknowledgement);
    // The forward of a transfer this mail completes is queued with it: a
    // crash never leaves a complete transfer that nobody hands on.
    Transaction transaction(d_.inbox->GetDatabase());
    const int64_t id = d_.inbox->RecordMailAndTransfer(mail, hasTransfer ? &transfer : nullptr,
                                                       answer ? &acknowledgement : nullptr);
    if (hasTransfer)
    {
      QueueForward(transfer);
    }
    transaction.Commit();
    if (answer)
    {
      d_.events->OnAcknowledgementsQueued();
    }
    return id;
  }

  void InboxPoller::QueueForward(const InboxTransfer& transfer)
  {
    const std::string modality = d_.forwards == nullptr ? "" :
      ForwardDecision::ModalityFor(d_.configuration->forwarding, transfer);
    if (!modality.empty())
    {
      d_.forwards->Queue(transfer.setId, modality, UtcTime::Now());   // the forwarder logs what it does
    }
  }

  bool InboxPoller::ComputeTransfer(const ProcessResult& result, const InboxMail& newMail,
                                    InboxTransfer& transfer) const
  {
    if (!result.authenticated || result.setId.empty())
    {
      return false;   // never on the word of an unverified mail
    }
    if (!d_.inbox->GetTransfer(result.setId, transfer))
    {
      transfer = InboxTransfer();
    }
    InboxTransferUpdate::Apply(result, newMail, d_.inbox->ListMails(result.setId), transfer);
    if (!newMail.foundIn.empty())
    {
      const std::string note = FoundInNote(newMail.foundIn);
      if (transfer.reasons.size() < 50 &&
          std::find(transfer.reasons.begin(), transfer.reasons.end(), note) == transfer.reasons.end())
      {
        transfer.reasons.push_back(note);
      }
    }
    return true;
  }

  std::string InboxPoller::FoundInNote(const std::string& folder)
  {
    return "found in " + folder + ": adjust the spam filter for this partner";
  }

  void InboxPoller::NoteFoundIn(const std::vector<ServerMessage>& sources, const ProcessResult& result,
                                InboxMail& record) const
  {
    // Only a mail whose signature was accepted: a stranger's mail in the
    // spam folder is what the spam folder is for, and records nothing more.
    if (!result.authenticated || result.setId.empty())
    {
      return;
    }
    for (const ServerMessage& m : sources)
    {
      if (!m.foundIn.empty())
      {
        record.foundIn = m.foundIn;
        Log("mail " + std::to_string(result.part) + " of transfer " + result.setId + " from partner " +
            result.partner + " was " + FoundInNote(m.foundIn));
        if (d_.foundInSpamFolder)
        {
          d_.foundInSpamFolder(m.foundIn, result.setId, result.partner);
        }
        return;
      }
    }
  }

  bool InboxPoller::AcknowledgementFor(const ProcessResult& result, QueuedAcknowledgement& acknowledgement) const
  {
    const AcknowledgementPolicy policy(*d_.trust, d_.configuration->siteAddress, d_.siteFingerprint);
    AcknowledgementPolicy::Decision decision;
    if (!policy.Decide(result, decision))
    {
      return false;
    }
    if (decision.redirected)
    {
      Log("the acknowledgement of a mail of transfer " + result.setId + " goes to " + decision.recipient +
          ": its Disposition-Notification-To is not an address of partner " + result.partner);
    }
    acknowledgement.content = decision.content;
    acknowledgement.recipient = decision.recipient;
    return true;
  }

  void InboxPoller::HandleAcknowledgement(IMailboxSession& session, const ServerMessage& message,
                                          const std::string& path, const MailClassification& facts,
                                          PollSummary& summary)
  {
    const AcknowledgementResult ack = AcknowledgementReader::Read(path, *d_.crypto, *d_.trust,
                                                                  d_.configuration->limits);
    // What a refusal records: the From and Message-ID the reader judged,
    // nothing of the clear set headers.
    MailClassification judged;
    judged.kind = MailKind::Acknowledgement;
    judged.fromAddress = ack.fromAddress;
    judged.fromName = facts.fromName;
    judged.messageId = ack.messageId;
    if (!ack.valid)
    {
      Reject(session, {message}, path, judged, "acknowledgement not accepted: " + ack.reason, summary);
      return;
    }
    if (!ack.keyUpdate.empty())
    {
      Log("partner " + ack.partner + ": " + ack.keyUpdate);   // fingerprints only (#22)
    }
    if (ack.keyChanged && d_.events != nullptr)
    {
      d_.events->OnKeyChanged(ack.signerFingerprint);
    }
    InboxMail record;
    record.acknowledgement = true;
    record.state = InboxMailState::Accepted;
    record.messageId = ack.messageId.substr(0, 998);
    record.account = d_.account;
    record.mailboxUid = message.serverId;
    record.fromName = facts.fromName;
    record.disposition = ToString(ack.report.disposition);
    record.bytes = Files::GetSize(path);
    OutboxMail mail;
    OutboxTransfer transfer;
    std::vector<OutboxMail> mails;
    if (d_.outbox->FindMailByMessageId(ack.report.originalMessageId, mail) &&
        d_.outbox->GetTransfer(mail.setId, transfer, mails) && transfer.partner == ack.partner)
    {
      const std::string mismatch = AcknowledgementMatch::Mismatch(ack.report, mail.setId, mail.part);
      if (!mismatch.empty())
      {
        Reject(session, {message}, path, judged, "acknowledgement not accepted: " + mismatch, summary);
        return;
      }
      d_.outbox->RecordAck(mail.setId, mail.part, ToString(ack.report.disposition), UtcTime::Now(),
                           ack.report.completedMs);
      summary.acknowledgements++;
      d_.events->OnAcknowledgement(mail.setId, mail.part, ack.report.disposition);
      record.setId = mail.setId;
      record.part = mail.part;
      record.total = transfer.totalMails;
    }
    else
    {
      Log("acknowledgement from " + ack.fromAddress + " for a mail not in the outbox: " +
          ack.report.originalMessageId);
      record.reason = "names no mail of the outbox";
    }
    if (d_.capabilities != nullptr)
    {
      // Only here: the report was inside the partner's verified signature.
      d_.capabilities->Learn(ack.partner, ack.signerFingerprint, ack.report.readsBinaryParts, UtcTime::Now());
    }
    record.processedAt = UtcTime::Now();
    d_.inbox->RecordMail(record);
    Finish(session, {message}, IMailboxSession::Destination::Processed, kOutcomeProcessed);
  }

  void InboxPoller::HandlePartial(IMailboxSession& session, const ServerMessage& message, const std::string& path,
                                  const MailClassification& facts, const Listing& listing, PollSummary& summary)
  {
    FragmentRecord record;
    record.partialId = d_.account + "/" + facts.partial.id;
    record.number = facts.partial.number;
    record.total = facts.partial.total;
    record.account = d_.account;
    record.serverId = message.serverId;
    record.setId = facts.set.present ? facts.set.setId : "";
    record.setPart = facts.set.part;
    record.messageId = facts.messageId.substr(0, 998);
    record.bytes = Files::GetSize(path);
    d_.inbox->AddFragment(record);   // a duplicate number is ignored
    // The group's id goes with the outcome, so a poll after a crash can find
    // a group that became complete but was never reassembled.
    d_.inbox->MarkSeen(d_.account, message.serverId, std::string(kOutcomeFragment) + ":" + record.partialId);
    summary.fragments++;

    // Bounded while it grows: anyone can send fragments.
    const FragmentGroup group(d_.inbox->ListFragments(record.partialId));
    const ReceiveLimits& limits = d_.configuration->limits;
    const std::string overLimit = group.CheckLimits(limits.maxMailBytes, limits.maxFragments);
    if (!overLimit.empty())
    {
      RejectFragmentGroup(session, group, listing, path, facts, "message/partial " + facts.partial.id +
                          " refused: " + overLimit, summary);
      return;
    }

    // Complete? Only when every number up to the announced total is here
    // and still on the server (fragments stay there, not in memory).
    if (!group.IsComplete())
    {
      return;
    }
    const std::vector<FragmentRecord>& fragments = group.GetFragments();
    // Every fragment's server copy first, so that a failure below moves
    // them all to the rejected folder, none is left behind unseen.
    std::vector<ServerMessage> sources;
    for (const FragmentRecord& f : fragments)
    {
      auto found = listing.find(f.serverId);
      if (found == listing.end())
      {
        Log("fragment " + std::to_string(f.number) + " of " + facts.partial.id + " is no longer on the server");
        return;
      }
      sources.push_back(found->second);
    }
    const std::string& work = d_.configuration->workingDirectory;
    const DiskSpaceGuard disk(limits.minFreeDiskBytes);
    const std::string groupLimit = "Limits.MaxMailBytes, for the fragments together";
    std::vector<std::unique_ptr<TempFile> > files;
    PartialReassembler reassembler(limits.maxFragments);
    try
    {
      uint64_t left = limits.maxMailBytes - std::min(limits.maxMailBytes, record.bytes);
      for (size_t i = 0; i < fragments.size(); i++)
      {
        const FragmentRecord& f = fragments[i];
        auto found = listing.find(f.serverId);
        if (f.serverId == message.serverId)
        {
          reassembler.AddFragmentFile(path);
          continue;
        }
        disk.Require(work, 0, "a message/partial fragment");
        files.emplace_back(new TempFile(work, ".part"));
        {
          FileSink sink(files.back()->GetPath());
          SizeLimitedSink limited(sink, left, "the group of fragments", groupLimit);
          session.Fetch(found->second, limited);
          sink.Close();
          left -= limited.GetCount();
        }
        reassembler.AddFragmentFile(files.back()->GetPath());
      }
      if (!reassembler.IsComplete())
      {
        return;
      }
      disk.Require(work, group.GetBytes(), "reassembling a message/partial mail");
      TempFile whole(work, ".eml");
      {
        FileSink sink(whole.GetPath());
        SizeLimitedSink limited(sink, limits.maxMailBytes, "the reassembled mail", "Limits.MaxMailBytes");
        reassembler.Reassemble(limited);
        sink.Close();
      }
      files.clear();
      const MailClassifier classifier(limits);
      const MailClassification wholeFacts = classifier.Classify(whole.GetPath());
      if (wholeFacts.kind == MailKind::DicomMail)
      {
        HandleDicomMail(session, sources, whole.GetPath(), wholeFacts, summary);
        // The group's state goes only with the mail's recorded outcome. Its
        // import may still be running (PendingImport), or have failed on our
        // side: a kill or a retry must then find the group complete again,
        // or its fragments would stay on the server unprocessed for good.
        CompletePendingImport(session, summary);
        std::string outcome;
        if (!d_.inbox->GetSeenOutcome(d_.account, message.serverId, outcome) ||
            outcome.compare(0, std::strlen(kOutcomeFragment), kOutcomeFragment) == 0)
        {
          return;
        }
      }
      else
      {
        Reject(session, sources, whole.GetPath(), wholeFacts,
               "the reassembled message/partial mail is not DICOM-Mail" +
               (wholeFacts.reason.empty() ? std::string() : ": " + wholeFacts.reason), summary);
      }
      d_.inbox->RemoveFragments(record.partialId);
    }
    catch (const Error& e)
    {
      if (e.GetKind() == ErrorKind::Transport || e.GetKind() == ErrorKind::Storage)
      {
        throw;
      }
      Reject(session, sources, "", facts, std::string("cannot reassemble message/partial ") + facts.partial.id +
             ": " + e.what(), summary);
      d_.inbox->RemoveFragments(record.partialId);
    }
  }

  void InboxPoller::RejectFragmentGroup(IMailboxSession& session, const FragmentGroup& group,
                                        const Listing& listing, const std::string& path,
                                        const MailClassification& facts, const std::string& reason,
                                        PollSummary& summary)
  {
    std::vector<ServerMessage> sources;
    for (const FragmentRecord& f : group.GetFragments())
    {
      auto found = listing.find(f.serverId);
      if (found != listing.end())
      {
        sources.push_back(found->second);
      }
    }
    // Recorded (and moved) before the state goes: a crash in between leaves
    // fragments whose outcome says rejected, finished again by the next poll.
    Reject(session, sources, path, facts, reason, summary);
    if (!group.GetFragments().empty())
    {
      d_.inbox->RemoveFragments(group.GetFragments().front().partialId);
    }
  }

  void InboxPoller::ExpireIncompleteFragments(IMailboxSession& session, const Listing& listing,
                                              PollSummary& summary)
  {
    const int64_t limit = static_cast<int64_t>(time(nullptr)) - d_.configuration->incompleteTimeout;
    for (const std::string& partialId : d_.inbox->ListIncompleteOlderThan(UtcTime::FromUnix(limit)))
    {
      if (partialId.compare(0, d_.account.size() + 1, d_.account + "/") != 0)
      {
        continue;
      }
      const FragmentGroup group(d_.inbox->ListFragments(partialId));
      if (group.GetFragments().empty())
      {
        continue;
      }
      const FragmentRecord& first = group.GetFragments().front();
      const std::string reason = "message/partial " + partialId.substr(d_.account.size() + 1) +
        " incomplete after " + std::to_string(d_.configuration->incompleteTimeout) + " s (IncompleteTimeout): " +
        std::to_string(group.GetFragments().size()) + " of " +
        (group.GetTotal() == 0 ? std::string("?") : std::to_string(group.GetTotal())) + " fragments received";
      // Its clear headers are all we know of it, unauthenticated: the record
      // stands alone and names no transfer's state. A late fragment starts a
      // new group, which expires the same way.
      MailClassification facts;
      facts.messageId = first.messageId;
      RejectFragmentGroup(session, group, listing, "", facts, reason, summary);
    }
  }

  unsigned int InboxPoller::RetryQuarantined(const std::string& setId)
  {
    unsigned int imported = 0;
    for (InboxMail mail : d_.inbox->ListQuarantined())
    {
      // A quarantined mail was not authenticated: it is found by its claim.
      if ((mail.setId != setId && mail.claimedSetId != setId) ||
          mail.storedPath.empty() || !Files::Exists(mail.storedPath))
      {
        continue;
      }
      DicomMailProcessor processor(*d_.crypto, *d_.trust, *d_.importer, d_.configuration->workingDirectory,
                                   d_.configuration->limits);
      const ProcessResult result = processor.Process(mail.storedPath);
      if (result.localFailure)
      {
        throw Error(ErrorKind::Storage, "cannot process the kept mail now: " + Join(result.reasons));
      }
      InboxMail updated = MailRecordFor(result, mail.mailboxUid, mail.storedPath);
      updated.id = mail.id;
      updated.account = mail.account;
      updated.receivedAt = mail.receivedAt;
      const std::string kept = mail.storedPath;
      if (result.outcome != ProcessOutcome::Quarantined)
      {
        updated.storedPath.clear();
      }
      RecordOutcome(result, updated);
      if (result.outcome != ProcessOutcome::Quarantined)
      {
        Files::Remove(kept);
      }
      if (result.IsPositive())
      {
        imported++;
      }
    }
    return imported;
  }
}
