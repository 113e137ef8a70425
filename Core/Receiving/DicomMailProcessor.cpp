// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/DicomMailProcessor.h"

#include "Core/Common/DiskSpaceGuard.h"
#include "Core/Common/Error.h"
#include "Core/Common/ConsumedSink.h"
#include "Core/Common/Files.h"
#include "Core/Common/MappedFile.h"
#include "Core/Common/ProducedSource.h"
#include "Core/Common/SizeLimitedSink.h"
#include "Core/Common/Trim.h"
#include "Core/Crypto/KeyPartRule.h"
#include "Core/Crypto/KeyTravel.h"
#include "Core/Mime/MimeParser.h"
#include "Core/QualityAssurance/QaTestSeries.h"
#include "Core/Receiving/CrlfCanonicalSource.h"
#include "Core/Receiving/DicomEntityCollector.h"
#include "Core/Receiving/EncryptedEnvelopeReader.h"
#include "Core/Receiving/MailClassifier.h"
#include "Core/Receiving/MergedKeyParts.h"
#include "Core/Receiving/PlaintextRouter.h"
#include "Core/Receiving/ReceiveMimeLimits.h"
#include "Core/Receiving/SignedPartSplitter.h"
#include "Core/Receiving/SignerJudgement.h"
#include "Core/Store/UtcMillis.h"
#include "Core/Transfer/DicomFileName.h"
#include "Core/Transfer/Manifest.h"
#include "Core/Transfer/Sha256.h"
#include "Core/Transfer/WireHeaders.h"

#include <cstdint>
#include <map>
#include <memory>
#include <new>

namespace DicomMail
{
  namespace
  {
    // Ends processing with an outcome; caught in Process().
    struct Stop
    {
      ProcessOutcome outcome;
      std::string reason;
      bool local;
    };

    [[noreturn]] void StopWith(ProcessOutcome outcome, const std::string& reason, bool local = false)
    {
      throw Stop{ outcome, reason, local };
    }

    // The outcome for an error escaping a step: hostile or broken input is
    // permanent, trouble on our side is retried locally.
    ProcessOutcome OutcomeFor(ErrorKind kind, bool& local)
    {
      local = false;
      switch (kind)
      {
        case ErrorKind::BadInput:
        case ErrorKind::LimitExceeded:
        case ErrorKind::Crypto:
        case ErrorKind::NotFound:
          return ProcessOutcome::Rejected;
        case ErrorKind::Untrusted:
          return ProcessOutcome::Quarantined;
        default:
          local = true;
          return ProcessOutcome::Failed;
      }
    }

    bool HasGoodSignature(const VerifyResult& result)
    {
      for (const SignatureCheck& s : result.signatures)
      {
        if (s.good)
        {
          return true;
        }
      }
      return false;
    }
  }

  DicomMailProcessor::DicomMailProcessor(OpenPgpContext& crypto,
                                         ITrustPolicy& trust,
                                         IInstanceImporter& importer,
                                         const std::string& workingDirectory,
                                         const ReceiveLimits& limits,
                                         unsigned int maxSetTotal) :
    crypto_(crypto),
    trust_(trust),
    importer_(importer),
    workingDirectory_(workingDirectory),
    limits_(limits),
    maxSetTotal_(maxSetTotal)
  {
  }

  std::string DicomMailProcessor::DeriveSetId(const std::string& messageId)
  {
    return "mail." + Sha256::OfString(messageId).substr(0, 16);
  }

  struct DicomMailProcessor::CheckedParts
  {
    Manifest manifest;
    std::vector<const ManifestInstance*> entryOf;   // into manifest.instances
    std::vector<bool> good;
    std::vector<std::string> warnings;
  };

  DicomMailProcessor::~DicomMailProcessor() = default;

  ProcessResult DicomMailProcessor::Process(const std::string& mailPath)
  {
    ProcessResult result = Prepare(mailPath);
    if (readyToImport_)
    {
      ImportPrepared(result);
    }
    return result;
  }

  ProcessResult DicomMailProcessor::Prepare(const std::string& mailPath)
  {
    readyToImport_ = false;
    collector_.reset();
    checked_.reset();

    ProcessResult result;
    try
    {
      Run(mailPath, result);
      readyToImport_ = !result.qaConfirmation.present && !result.keyAnnouncement.present;
    }
    catch (const Stop& stop)
    {
      result.outcome = stop.outcome;
      result.localFailure = stop.local;
      result.reasons.insert(result.reasons.begin(), stop.reason);
    }
    catch (const Error& e)
    {
      bool local;
      result.outcome = OutcomeFor(e.GetKind(), local);
      result.localFailure = local;
      result.reasons.insert(result.reasons.begin(), e.what());
    }
    catch (const std::bad_alloc&)
    {
      result.outcome = ProcessOutcome::Failed;
      result.localFailure = true;
      result.reasons.insert(result.reasons.begin(), "out of memory while processing the mail");
    }

    if (!readyToImport_)
    {
      collector_.reset();   // removes the temporary files
      checked_.reset();
      Finalize(result);
    }
    return result;
  }

  void DicomMailProcessor::Finalize(ProcessResult& result)
  {
    if (!result.IsPositive())
    {
      result.importedSopInstanceUids.clear();
    }
    result.disposition = ToDisposition(result.outcome);
    result.completedMs = UtcMillis::Now();
  }

  void DicomMailProcessor::ReadOuterFacts(const MailClassification& facts, ProcessResult& result) const
  {
    result.fromAddress = facts.fromAddress;
    result.fromName = facts.fromName;
    result.messageId = facts.messageId;
    result.senderDate = facts.hasDate ? facts.date : 0;
    result.dispositionNotificationTo = facts.dispositionNotificationTo;
    if (facts.set.present)
    {
      // Unauthenticated: shown with the mail's record, nothing more.
      result.claimedSetId = facts.set.setId;
      result.part = facts.set.part;
      result.total = facts.set.total;
    }
  }

  std::string DicomMailProcessor::ExtractCiphertext(const std::string& mailPath, ByteSink& cipher)
  {
    try
    {
      EncryptedEnvelopeReader reader(cipher);
      FileSource mail(mailPath);
      MimeParser parser(mail, reader, ReceiveMimeLimits::ForMail(limits_));
      parser.Parse();
      reader.Finish();
      cipher.Flush();
      return reader.GetPayload().GetSha256();
    }
    catch (const Error& e)
    {
      if (e.GetKind() == ErrorKind::BadInput && OpenPgpPayloadSink::IsTransmissionDamage(e.what()))
      {
        StopWith(ProcessOutcome::Failed, std::string("damaged in transit: ") + e.what());
      }
      if (e.GetKind() == ErrorKind::Storage)
      {
        // Reading our own copy of the mail failed: retried, not blamed on
        // the mail as a failed write of its plaintext is.
        throw Error(ErrorKind::Internal, e.what());
      }
      throw;
    }
  }

  std::string DicomMailProcessor::ExpansionLimitName(uint64_t mailBytes) const
  {
    return "Limits.DecompressionRatio " + std::to_string(limits_.decompressionRatio) + " x the mail's " +
      std::to_string(mailBytes) + " bytes, at least Limits.DecompressionFloorBytes, at most "
      "Limits.MaxDecompressedBytes";
  }

  VerifyResult DicomMailProcessor::Decrypt(const std::string& mailPath, const std::string& plainPath,
                                           uint64_t budget, DecryptedEntity& entity, ProcessResult& result)
  {
    // The entity goes from gpg straight into the collector, on a thread of
    // its own (#15): no file holds it, and the DICOM parts are decoded while
    // gpg decrypts. Nothing in it is used before the signature is judged.
    DicomEntityCollector& collector = NewCollector();
    ConsumedSink parsed([this, &collector](ByteSource& source)
    {
      MimeParser parser(source, collector, ReceiveMimeLimits::ForEntity(limits_));
      parser.Parse();
    });
    PlaintextRouter router(plainPath, parsed, ReceiveMimeLimits::ForEntity(limits_));
    SizeLimitedSink limited(router, budget, SizeLimitedSink::kDecompressedData, ExpansionLimitName(result.mailBytes));
    // The de-armored ciphertext goes from the mail straight into gpg: no
    // file of its own (#15). A fault of the envelope or its armor ends the
    // stream where its end would be, so gpg never takes a cut-off message
    // for a whole one.
    std::string digest;
    ProducedSource cipher([this, &mailPath, &digest](ByteSink& out)
    {
      digest = ExtractCiphertext(mailPath, out);
    });
    VerifyResult verification;
    try
    {
      verification = crypto_.DecryptAndVerify(cipher, limited);
    }
    catch (...)
    {
      // gpg stopped early. Had the envelope been read first, as it once
      // was, its own fault would have been found first: it still wins.
      cipher.Drain();
      throw;
    }
    cipher.Drain();   // gpg may finish before the end of the armor: check it whole
    router.Finish();
    entity.parseError = parsed.Finish();
    entity.inFile = router.WentToFile();
    entity.cipherSha256 = digest;
    result.plaintextBytes = limited.GetCount();
    return verification;
  }

  void DicomMailProcessor::SplitSignedEntity(const std::string& plainPath, uint64_t budget,
                                             std::unique_ptr<TempFile>& signedPart, VerifyResult& verification,
                                             ProcessResult& result)
  {
    // 3. Sign-then-encrypt (RFC 3156 §6.1): the entity is the first part of
    //    an inner multipart/signed, verified over its canonical bytes.
    MimeHeaders plainHeaders;
    {
      FileSource source(plainPath);
      plainHeaders = ParseHeaderBlock(source, ReceiveMimeLimits::ForEntity(limits_));
    }
    if (!plainHeaders.GetContentType().Is("multipart/signed"))
    {
      return;
    }
    result.signThenEncrypt = true;
    signedPart.reset(new TempFile(workingDirectory_, ".signed"));
    std::string signature;
    {
      FileSink sink(signedPart->GetPath());
      SizeLimitedSink limited(sink, budget, SizeLimitedSink::kDecompressedData, ExpansionLimitName(result.mailBytes));
      SignedPartSplitter splitter(limited);
      FileSource source(plainPath);
      MimeParser parser(source, splitter, ReceiveMimeLimits::ForEntity(limits_));
      parser.Parse();
      splitter.Finish();
      sink.Flush();
      signature = splitter.GetSignature();
    }
    VerifyResult inner;
    {
      FileSource source(signedPart->GetPath());
      CrlfCanonicalSource canonical(source);
      inner = crypto_.Verify(signature, canonical);
    }
    if (!HasGoodSignature(inner))
    {
      FileSource source(signedPart->GetPath());   // a sender that signed LF text as it was
      VerifyResult asIs = crypto_.Verify(signature, source);
      if (HasGoodSignature(asIs))
      {
        inner = asIs;
      }
    }
    verification.signatures.insert(verification.signatures.begin(), inner.signatures.begin(),
                                   inner.signatures.end());
  }

  void DicomMailProcessor::ParseEntity(const std::string& entityPath, DicomEntityCollector& collector)
  {
    FileSource entity(entityPath);
    MimeParser parser(entity, collector, ReceiveMimeLimits::ForEntity(limits_));
    parser.Parse();
  }

  DicomEntityCollector& DicomMailProcessor::NewCollector()
  {
    collector_.reset(new DicomEntityCollector(workingDirectory_, ManifestLimits().maxJsonBytes,
                                              limits_.partsInMemoryBytes));
    return *collector_;
  }

  void DicomMailProcessor::MergeSignerKey(const DicomEntityCollector& collector, ProcessResult& result)
  {
    // Only here, behind the accepted signature: the part is the signer's
    // word about its own key, and only that key is taken from it.
    if (collector.IsKeyPartTooLarge())
    {
      result.keyUpdate = "key part not merged: larger than " + std::to_string(KeyPartRule::kMaxBytes) + " bytes";
    }
    else if (!collector.GetKeyPart().empty())
    {
      // Every mail of a transfer carries the same key: merged once (#15).
      MergedKeyParts& merged = MergedKeyParts::Shared();
      const std::string& keyPart = collector.GetKeyPart();
      if (merged.WasMerged(crypto_.GetHomePath(), result.signerFingerprint, keyPart))
      {
        return;   // the same bytes as before: nothing new, as gpg would say
      }
      const KeyTravel::MergeOutcome outcome = KeyTravel::Merge(crypto_, keyPart, result.signerFingerprint);
      if (outcome.merged && outcome.refusedFingerprints.empty())
      {
        merged.Remember(crypto_.GetHomePath(), result.signerFingerprint, keyPart);
      }
      result.keyUpdate = outcome.Describe();
      result.keyChanged = outcome.merged && outcome.changed;
    }
  }

  void DicomMailProcessor::CheckSetHeaders(const DicomEntityCollector& collector, const SetHeaderValues& outer,
                                           const std::string& cipherSha256, ProcessResult& result) const
  {
    SetHeaderValues inner;
    try
    {
      inner = SetHeaderValues::Read(collector.GetTopHeaders(), maxSetTotal_);
    }
    catch (const Error& e)
    {
      StopWith(ProcessOutcome::Rejected, std::string("inner headers: ") + e.what());
    }

    // Only the signed copy counts: a clear header of that name is ignored.
    const std::string qaMarker = Trim(collector.GetTopHeaders().Get(WireHeaders::kQaTest));
    result.qaTest = qaMarker == WireHeaders::kQaTestDaily || qaMarker == WireHeaders::kQaTestMonthly;
    result.qaTestKind = result.qaTest ? qaMarker : "";

    if (inner.present)
    {
      // Filed under the signed numbers also when refused below, so that the
      // partner is answered about the mail it sent.
      result.setId = inner.setId;
      result.part = inner.part;
      result.total = inner.total;
      result.innerSetHeaders = true;
      result.setIdDerived = false;
      if (outer.present)
      {
        const std::string difference = SetHeaderValues::Compare(inner, outer);
        if (!difference.empty())
        {
          StopWith(ProcessOutcome::Rejected, difference);
        }
      }
    }
    else
    {
      // A plain PGP/MIME mail (docs/wire-format.md §6): a transfer of one mail.
      // Clear set headers, if any, are not signed: anyone on the path may
      // have written them, so they name no transfer (nor metadata 4310).
      result.setId = DeriveSetId(result.messageId.empty() ? cipherSha256 : result.messageId);
      result.part = 1;
      result.total = 1;
      result.setIdDerived = true;
    }
  }

  void DicomMailProcessor::Check(DicomEntityCollector& collector, ProcessResult& result)
  {
    std::vector<std::unique_ptr<ReceivedPart> >& parts = collector.GetParts();
    std::vector<std::string> failures;
    checked_.reset(new CheckedParts);
    std::vector<std::string>& warnings = checked_->warnings;
    Manifest& manifest = checked_->manifest;
    result.hasManifest = collector.HasManifest();
    if (result.hasManifest)
    {
      try
      {
        manifest = Manifest::Parse(collector.GetManifestJson());
      }
      catch (const Error& e)
      {
        StopWith(ProcessOutcome::Rejected, std::string("manifest: ") + e.what());
      }
      if (!result.setIdDerived &&
          (manifest.setId != result.setId || manifest.part != result.part || manifest.total != result.total))
      {
        StopWith(ProcessOutcome::Rejected, "the manifest's SetId/Part/Total differ from the X-TELEMEDICINE-* "
                 "headers");
      }
    }

    if (parts.empty() && manifest.instances.empty())
    {
      StopWith(ProcessOutcome::Rejected, "no DICOM instance in the mail");
    }

    // Which parts may be imported, and the manifest entry of each.
    std::map<std::string, size_t> manifestIndex;
    for (size_t i = 0; i < manifest.instances.size(); i++)
    {
      manifestIndex[manifest.instances[i].name] = i;
    }
    std::vector<bool> listed(manifest.instances.size(), false);
    std::vector<const ManifestInstance*>& entryOf = checked_->entryOf;
    entryOf.assign(parts.size(), nullptr);
    std::vector<bool>& good = checked_->good;
    good.assign(parts.size(), false);

    result.dicomParts = static_cast<unsigned int>(parts.size());
    for (size_t i = 0; i < parts.size(); i++)
    {
      const ReceivedPart& part = *parts[i];
      const std::string what = part.Describe();
      if (!part.isDicom)
      {
        failures.push_back(what + ": " + part.contentType + " content is not a DICOM file (no \"DICM\" at "
                           "offset 128)");
        continue;
      }
      if (result.hasManifest)
      {
        auto found = manifestIndex.find(part.name);
        if (found == manifestIndex.end())
        {
          failures.push_back(what + " is not listed in the manifest");
          continue;
        }
        if (listed[found->second])
        {
          failures.push_back(what + " appears twice in the mail");
          continue;
        }
        listed[found->second] = true;
        const ManifestInstance& entry = manifest.instances[found->second];
        if (entry.size != part.size)
        {
          failures.push_back("size mismatch for " + what + " (" + std::to_string(part.size) +
                             " bytes, the manifest says " + std::to_string(entry.size) + ")");
          continue;
        }
        if (entry.sha256 != part.sha256)
        {
          failures.push_back("SHA-256 mismatch for " + what);
          continue;
        }
        // A daily QA test of the built-in series must be it, byte for byte
        // (#17): the sender's copy itself may not have changed either.
        std::string fixedSha256;
        if (result.qaTest && QaTestSeries::ExpectedSha256(entry.sopInstanceUid, fixedSha256) &&
            fixedSha256 != part.sha256)
        {
          failures.push_back(what + " differs from the built-in QA test series");
          continue;
        }
        entryOf[i] = &entry;
      }
      good[i] = true;
    }

    for (size_t i = 0; i < manifest.instances.size(); i++)
    {
      if (!listed[i])
      {
        const std::string& name = manifest.instances[i].name;
        failures.push_back((DicomFileName::IsSafeDicomName(name) ? name : "an instance") +
                           " listed in the manifest is missing from the mail");
      }
    }
    result.failed = static_cast<unsigned int>(failures.size());

    for (const std::string& ignored : collector.GetIgnored())
    {
      warnings.push_back("ignored " + ignored);
      result.ignoredParts++;
    }

    if (!failures.empty())
    {
      // A mail is imported whole or not at all: a bad instance means damage
      // or tampering, and the sender's resend brings the whole mail again.
      result.reasons.insert(result.reasons.end(), failures.begin() + 1, failures.end());
      StopWith(ProcessOutcome::Failed, failures.front());
    }
  }

  void DicomMailProcessor::ImportPrepared(ProcessResult& result)
  {
    if (!readyToImport_ || !collector_ || !checked_)
    {
      throw Error(ErrorKind::Internal, "ImportPrepared() without a successful Prepare()");
    }
    readyToImport_ = false;

    std::vector<std::unique_ptr<ReceivedPart> >& parts = collector_->GetParts();
    const std::vector<bool>& good = checked_->good;
    const std::vector<const ManifestInstance*>& entryOf = checked_->entryOf;
    std::vector<std::string> failures;
    std::vector<std::string> warnings = checked_->warnings;

    // Only now, with every check passed, does anything reach the PACS.
    for (size_t i = 0; i < parts.size(); i++)
    {
      if (!good[i])
      {
        continue;
      }
      ReceivedPart& part = *parts[i];
      ImportContext context;
      context.setId = result.setId;
      context.part = result.part;
      context.total = result.total;
      context.signerFingerprint = result.signerFingerprint;
      context.partnerName = result.partner;
      context.messageId = result.messageId;
      context.partName = DicomFileName::IsSafeDicomName(part.name) ? part.name : "";
      context.sopInstanceUid = entryOf[i] != nullptr ? entryOf[i]->sopInstanceUid : "";
      context.sha256 = part.sha256;
      context.qaTest = result.qaTest;
      context.qaTestKind = result.qaTestKind;

      ImportOutcome outcome;
      try
      {
        if (part.file)
        {
          // Orthanc takes a whole file per call: one spilled part mapped at a time.
          const MappedFile mapped(part.file->GetPath(), UINT32_MAX);
          outcome = importer_.Import(mapped.GetData(), mapped.GetSize(), context);
        }
        else
        {
          outcome = importer_.Import(part.content.data(), part.content.size(), context);
        }
      }
      catch (const Error& e)
      {
        outcome = ImportOutcome::Failed(e.what());
      }
      part.file.reset();   // frees the disk space at once
      std::string().swap(part.content);   // and the memory

      switch (outcome.status)
      {
        case ImportOutcome::Status::Stored:
          result.stored++;
          break;
        case ImportOutcome::Status::AlreadyStored:
          result.alreadyStored++;
          break;
        case ImportOutcome::Status::Failed:
          result.failed++;
          result.localFailure = true;
          failures.push_back("import of " + part.Describe() + " failed: " + outcome.message);
          continue;
      }
      result.dicomBytes += part.size;
      if (!context.sopInstanceUid.empty())
      {
        result.importedSopInstanceUids.push_back(context.sopInstanceUid);
      }
    }

    if (result.alreadyStored > 0)
    {
      warnings.insert(warnings.begin(), std::to_string(result.alreadyStored) + " instance(s) already stored");
    }

    result.reasons = failures;
    result.reasons.insert(result.reasons.end(), warnings.begin(), warnings.end());
    if (result.failed > 0)
    {
      result.outcome = ProcessOutcome::Failed;
    }
    else if (!warnings.empty())
    {
      result.outcome = ProcessOutcome::ImportedWithWarnings;
    }
    else
    {
      result.outcome = ProcessOutcome::Imported;
    }

    collector_.reset();   // removes the temporary files
    checked_.reset();
    Finalize(result);
  }

  void DicomMailProcessor::Run(const std::string& mailPath, ProcessResult& result)
  {
    result.mailBytes = Files::GetSize(mailPath);
    const MailClassification facts = MailClassifier(limits_, maxSetTotal_).Classify(mailPath);
    ReadOuterFacts(facts, result);

    if (facts.kind == MailKind::Malformed)
    {
      StopWith(ProcessOutcome::Rejected, facts.reason);
    }
    if (result.mailBytes > limits_.maxMailBytes)
    {
      StopWith(ProcessOutcome::Rejected, "the mail has " + std::to_string(result.mailBytes) +
               " bytes, more than the limit of " + std::to_string(limits_.maxMailBytes) + " (MaxMailBytes)");
    }
    switch (facts.kind)
    {
      case MailKind::Partial:
        StopWith(ProcessOutcome::Rejected, "a message/partial fragment, not a complete mail: reassemble it first");
      case MailKind::Acknowledgement:
        StopWith(ProcessOutcome::Rejected, "an acknowledgement, not a DICOM-Mail");
      default:
        break;
    }
    if (facts.contentType != "multipart/encrypted")
    {
      StopWith(ProcessOutcome::Rejected, "not encrypted: the mail is " +
               (facts.contentType.empty() ? std::string("not MIME") : facts.contentType) +
               ", not RFC 3156 multipart/encrypted");
    }

    // 1.-2. The ciphertext, de-armored on the way into gpg, and decryption
    //    into a file nobody reads before the checks passed. Until
    //    the signature is judged, a mail may cost only a budget tied to its
    //    own size (plaintext and signed-part copy together), and failing to
    //    write it is the mail's fault: rejected for good, not expanded again
    //    at every poll. Too little room for the budget is ours: retried.
    const uint64_t budget = limits_.DecompressedBytesFor(result.mailBytes);
    TempFile plain(workingDirectory_, ".plain");   // first: a missing working directory says so
    DiskSpaceGuard(limits_.minFreeDiskBytes).Require(workingDirectory_, budget, "decrypting a mail");
    std::unique_ptr<TempFile> signedPart;
    VerifyResult verification;
    DecryptedEntity entity;
    try
    {
      verification = Decrypt(mailPath, plain.GetPath(), budget, entity, result);
      if (entity.inFile)
      {
        SplitSignedEntity(plain.GetPath(), budget - result.plaintextBytes, signedPart, verification, result);
      }
    }
    catch (const Error& e)
    {
      if (e.GetKind() == ErrorKind::Storage)
      {
        StopWith(ProcessOutcome::Rejected, std::string("cannot expand the mail before its signature is "
                                                       "checked: ") + e.what());
      }
      throw;
    }

    // 4. Trust: a valid signature by the key of the partner in From.
    const SignerJudgement judgement = SignerJudgement::Judge(verification, result.fromAddress, trust_);
    if (!judgement.accepted)
    {
      result.reasons.assign(judgement.reasons.begin() + 1, judgement.reasons.end());
      // Quarantine keeps a copy for a retry once a key is certified: only
      // for mail From a partner's address, or strangers could fill the disk.
      std::string partner, fingerprint;
      const bool fromPartner = trust_.ExpectedSigner(result.fromAddress, partner, fingerprint);
      if (!judgement.badSignature && !fromPartner)
      {
        result.reasons.push_back("not quarantined: the From address is not a partner's");
      }
      StopWith(judgement.badSignature || !fromPartner ? ProcessOutcome::Rejected : ProcessOutcome::Quarantined,
               judgement.reasons.front());
    }
    result.authenticated = true;
    result.partner = judgement.partner;
    result.signerFingerprint = judgement.signerFingerprint;

    // 5. The authenticated entity: parsed on the way out of gpg, or now
    //    from the file an entity signed inside the encryption needed.
    if (entity.inFile)
    {
      ParseEntity(signedPart ? signedPart->GetPath() : plain.GetPath(), NewCollector());
      signedPart.reset();
    }
    else if (entity.parseError)
    {
      std::rethrow_exception(entity.parseError);
    }
    MergeSignerKey(*collector_, result);

    CheckSetHeaders(*collector_, facts.set, entity.cipherSha256, result);
    // Signed and encrypted, so its headers count; nothing to import.
    if (ImageQualityConfirmations::Read(collector_->GetTopHeaders(), result.qaConfirmation) ||
        KeyAnnouncementMail::Read(collector_->GetTopHeaders(), collector_->GetKeyPart(), result.keyAnnouncement))
    {
      result.outcome = ProcessOutcome::Imported;
      result.disposition = ToDisposition(result.outcome);
      return;
    }
    Check(*collector_, result);
  }
}
