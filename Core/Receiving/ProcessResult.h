// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementDisposition.h"
#include "Core/Partners/KeyAnnouncementMail.h"
#include "Core/QualityAssurance/ImageQualityConfirmation.h"
#include "Core/Receiving/ProcessOutcome.h"

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace DicomMail
{
  // Everything DicomMailProcessor learnt about one mail. Strings are UTF-8
  // and hold no patient data (part names only when they are safe DICOM
  // file ids).
  struct ProcessResult
  {
    ProcessOutcome outcome = ProcessOutcome::Rejected;
    Disposition disposition = Disposition::Deleted;    // ToDisposition(outcome)
    std::vector<std::string> reasons;                  // problems and warnings, first the decisive one

    // True when the failure was on our side (working directory full, the
    // importer failed): keep the mail and process it again later instead
    // of acknowledging it negatively.
    bool localFailure = false;

    // True once the signature was accepted for the From partner
    // (SignerJudgement): only then are setId, partner and signerFingerprint
    // filled, and only then may the mail be deduplicated, filed under a
    // transfer or answered.
    bool authenticated = false;

    // The transfer, only for an authenticated mail: from the inner (signed)
    // headers; without them "mail.<16 hex>" derived from the Message-ID,
    // part 1 of 1 (the clear headers are never used for it).
    std::string setId;
    unsigned int part = 0;          // before authentication: the clear claim, for display
    unsigned int total = 0;
    bool setIdDerived = false;      // plain PGP/MIME mail without inner X-TELEMEDICINE-*
    bool innerSetHeaders = false;   // the values come from the signed entity
    std::string claimedSetId;       // the clear X-TELEMEDICINE-SETID: a claim, never decided on

    std::string messageId;
    std::string fromAddress;
    std::string fromName;             // the clear From's display name: display only, never decided on
    std::string dispositionNotificationTo;
    std::string partner;              // the partner whose signature was accepted, else ""
    std::string signerFingerprint;    // primary key of that signature, else ""
    time_t senderDate = 0;            // outer Date, 0 if absent or unparsable
    bool signThenEncrypt = false;     // RFC 3156 §6.1 inner multipart/signed

    unsigned int dicomParts = 0;      // DICOM parts found (good or not)
    unsigned int stored = 0;
    unsigned int alreadyStored = 0;
    unsigned int failed = 0;          // instances that failed a check or the import
    unsigned int ignoredParts = 0;    // non-DICOM attachments (not text) ignored
    uint64_t mailBytes = 0;           // size of the mail file
    uint64_t plaintextBytes = 0;      // decrypted entity
    uint64_t dicomBytes = 0;          // of the instances handed to the importer

    // A daily QA test (the signed X-DICOMMAIL-QA-TEST, #17): the importer
    // keeps it out of the clinical archive unless configured otherwise.
    bool qaTest = false;
    std::string qaTestKind;           // the marker's value: daily-function-test or monthly-measurement
    int64_t completedMs = 0;          // when this site was done with the mail (ms), for its acknowledgement

    // An authenticated QA confirmation mail (#17): no transfer, no
    // instances; the poller records it (outcome Imported) and sends no MDN.
    ImageQualityConfirmation qaConfirmation;

    // What became of the signer's key part (#22, KeyTravel::MergeOutcome):
    // "" when the mail carried none. Fingerprints only, for the log.
    std::string keyUpdate;
    bool keyChanged = false;   // the signer's key part brought gpg something new (#18: share it)

    // An authenticated key announcement (#22): no transfer either; the
    // poller hands it to the KeyRotationAcceptor and sends no MDN.
    KeyAnnouncement keyAnnouncement;

    std::vector<std::string> importedSopInstanceUids;   // from the manifest, stored or already stored
    bool hasManifest = false;

    bool IsPositive() const
    {
      return outcome == ProcessOutcome::Imported || outcome == ProcessOutcome::ImportedWithWarnings;
    }
  };
}
