// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Config/Configuration.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Receiving/IInstanceImporter.h"
#include "Core/Receiving/ITrustPolicy.h"
#include "Core/Receiving/MailClassification.h"
#include "Core/Receiving/ProcessResult.h"
#include "Core/Receiving/SetHeaderValues.h"

#include <exception>
#include <memory>
#include <string>

namespace DicomMail
{
  class DicomEntityCollector;
  class TempFile;

  // Turns one complete (already reassembled) DICOM-Mail file into imported
  // instances, or into a reason why not (docs/wire-format.md §2-3, §6-7):
  //
  //   outer RFC 3156 structure -> de-armored ciphertext, streamed into gpg
  //   (no file of its own)
  //   -> DecryptAndVerify, its plaintext bounded by a budget tied to the
  //      mail's size (ReceiveLimits::DecompressedBytesFor; gpg writes
  //      plaintext before it has checked anything: nothing is used before
  //      it returned); overrun or a failed write: Rejected. The plaintext is
  //      parsed on its way out of gpg (PlaintextRouter); only an entity
  //      signed inside the encryption goes to a temp file first
  //   -> signature valid and by the From partner's key (else Quarantined)
  //   -> decrypted entity parsed within the limits; inner and outer
  //      X-TELEMEDICINE-* equal; every DICOM part in its own temp file,
  //      checked for DICM and against the manifest
  //   -> only then each good instance goes to the IInstanceImporter.
  //
  // Hostile input never throws: it becomes a ProcessResult with reasons.
  // Every temporary file (named "dm-*" in the working directory) is removed
  // before Process() returns. Memory stays bounded: nothing larger than a
  // signature or a manifest is held in memory. One processor per thread
  // (the OpenPgpContext is not shareable).
  class DicomMailProcessor
  {
  public:
    DicomMailProcessor(OpenPgpContext& crypto,
                       ITrustPolicy& trust,
                       IInstanceImporter& importer,
                       const std::string& workingDirectory,
                       const ReceiveLimits& limits = ReceiveLimits(),
                       unsigned int maxSetTotal = SetHeaderValues::kDefaultMaxTotal);

    ~DicomMailProcessor();

    // Prepare() and then ImportPrepared().
    ProcessResult Process(const std::string& mailPath);

    // Every step up to the import: afterwards the checked instances wait
    // (in memory, or in temporary files beyond ReceiveLimits::
    // partsInMemoryBytes) and IsReadyToImport() says so; otherwise the result
    // is final. Lets a caller import one mail while it prepares the next.
    ProcessResult Prepare(const std::string& mailPath);

    bool IsReadyToImport() const
    {
      return readyToImport_;
    }

    // Imports what Prepare() checked and completes its result. Touches only
    // the IInstanceImporter, so it may run on another thread than Prepare()
    // (one at a time per processor); removes the temporary files.
    void ImportPrepared(ProcessResult& result);

    // "mail." + the first 16 hex digits of SHA-256(Message-ID): the set id
    // of a plain PGP/MIME mail, stable across duplicates.
    static std::string DeriveSetId(const std::string& messageId);

  private:
    void Run(const std::string& mailPath, ProcessResult& result);
    void ReadOuterFacts(const MailClassification& facts, ProcessResult& result) const;
    // Writes the mail's de-armored OpenPGP message to "cipher"; its SHA-256.
    std::string ExtractCiphertext(const std::string& mailPath, ByteSink& cipher);
    std::string ExpansionLimitName(uint64_t mailBytes) const;
    // What Decrypt() leaves besides the signature checks.
    struct DecryptedEntity
    {
      bool inFile = false;              // in the plaintext file (sign-then-encrypt), not yet parsed
      std::exception_ptr parseError;    // else: what parsing it on the way failed with, if anything
      std::string cipherSha256;
    };
    VerifyResult Decrypt(const std::string& mailPath, const std::string& plainPath, uint64_t budget,
                         DecryptedEntity& entity, ProcessResult& result);
    // Copies the first part of an inner multipart/signed (within "budget")
    // and adds its signature checks; leaves "signedPart" empty otherwise.
    void SplitSignedEntity(const std::string& plainPath, uint64_t budget, std::unique_ptr<TempFile>& signedPart,
                           VerifyResult& verification, ProcessResult& result);
    void ParseEntity(const std::string& entityPath, DicomEntityCollector& collector);
    // A fresh collector_ for this mail's entity, with the mail's limits.
    DicomEntityCollector& NewCollector();
    void MergeSignerKey(const DicomEntityCollector& collector, ProcessResult& result);
    void CheckSetHeaders(const DicomEntityCollector& collector, const SetHeaderValues& outer,
                         const std::string& cipherSha256, ProcessResult& result) const;
    void Check(DicomEntityCollector& collector, ProcessResult& result);
    static void Finalize(ProcessResult& result);

    // What Check() leaves for ImportPrepared().
    struct CheckedParts;

    OpenPgpContext& crypto_;
    ITrustPolicy& trust_;
    IInstanceImporter& importer_;
    std::string workingDirectory_;
    ReceiveLimits limits_;
    unsigned int maxSetTotal_;
    std::unique_ptr<DicomEntityCollector> collector_;
    std::unique_ptr<CheckedParts> checked_;
    bool readyToImport_ = false;
  };
}
