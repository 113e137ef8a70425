// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Acknowledgement/AcknowledgementBuilder.h"
#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Sending/SignedMailComposer.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  using ComposedAcknowledgement = ComposedSignedMail;

  // Writes a complete acknowledgement mail (docs/wire-format.md §5) with
  // SignedMailComposer: RFC 3156 multipart/signed; micalg=...; protocol="application/pgp-signature",
  // first part the AcknowledgementBuilder entity, second the detached
  // armored signature over its exact bytes. Outer headers: From, To, Date, Message-ID,
  // Subject, MIME-Version, Auto-Submitted, X-TELEMEDICINE-SETID/SETPART
  // copied from the content. No patient data anywhere. The report always
  // says X-DICOM-Mail-Capabilities: binary-parts: this site's receiver reads them.
  class AcknowledgementComposer
  {
  public:
    static const char* const kDefaultSubject;   // "DICOM-eMail acknowledgement"

    // Writes "path" (0600, synced); throws on failure (the caller removes
    // the file). Names are UTF-8 ("toName" may be empty), encoded by
    // MailboxFormatter.
    static ComposedAcknowledgement Compose(const AcknowledgementContent& content,
                                           const std::string& fromAddress,
                                           const std::string& fromName,
                                           const std::string& toAddress,
                                           const std::string& subject,
                                           const std::string& signerFingerprint,
                                           OpenPgpContext& crypto,
                                           const std::string& path,
                                           const std::string& toName = "");
  };
}
