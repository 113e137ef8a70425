// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementDisposition.h"
#include "Core/Common/ByteStream.h"

#include <string>

namespace DicomMail
{
  // What one acknowledgement says (docs/wire-format.md §5). No patient data: the
  // mail is named by its Message-ID and set numbers only.
  struct AcknowledgementContent
  {
    std::string reportingUa;         // "gateway.example; Orthanc DICOM-Mail 0.1.0"
    std::string finalRecipient;      // our address, written "rfc822; <address>"
    std::string originalMessageId;   // "<...>" of the mail acknowledged
    Disposition disposition = Disposition::Displayed;
    std::string setId;               // optional: X-TELEMEDICINE-SETID of that mail
    std::string setPart;             // optional: X-TELEMEDICINE-SETPART of that mail
    std::string detail;              // optional: one more sentence for people, printable ASCII
    // Said in the signed report's X-DICOM-Mail-Capabilities field: our
    // receiver reads application/dicom parts in binary (docs/wire-format.md §5).
    bool readsBinaryParts = false;
    // When this site was done with the mail (ms since the epoch, 0: not
    // said), in the signed report's X-DICOM-Mail-Completed field: the
    // receiver's clock for the sender's transfer-time record (#17).
    int64_t completedMs = 0;
    // Our armored public key, written as a third part of the report
    // (application/pgp-keys, #22); "" for none.
    std::string publicKey;
  };

  // Writes the RFC 3798 multipart/report entity that goes inside the
  // RFC 3156 multipart/signed (signing happens elsewhere):
  //
  //   X-TELEMEDICINE-SETID: ...        (when given: the signed copies)
  //   X-TELEMEDICINE-SETPART: ...
  //   Content-Type: multipart/report; report-type=disposition-notification; boundary=...
  //
  //   part 1  text/plain: a short status sentence (+ detail)
  //   part 2  message/disposition-notification:
  //           Reporting-UA, Final-Recipient, Original-Message-ID, Disposition
  //           (+ X-DICOM-Mail-Capabilities: binary-parts when readsBinaryParts)
  class AcknowledgementBuilder
  {
  public:
    // Throws Error(BadInput) for a missing field, a set id that is not
    // valid, or a value that is not printable ASCII (header injection).
    static void Write(const AcknowledgementContent& content, ByteSink& output);

    static std::string Build(const AcknowledgementContent& content);

    // The human-readable sentence of part 1 for a disposition.
    static std::string DescribeDisposition(Disposition disposition);
  };
}
