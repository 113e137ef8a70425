// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Acknowledgement/AcknowledgementComposer.h"

#include "Core/Crypto/KeyTravel.h"
#include "Core/Transfer/WireHeaders.h"

namespace DicomMail
{
  const char* const AcknowledgementComposer::kDefaultSubject = "DICOM-eMail acknowledgement";

  ComposedAcknowledgement AcknowledgementComposer::Compose(const AcknowledgementContent& content,
                                                           const std::string& fromAddress,
                                                           const std::string& fromName,
                                                           const std::string& toAddress,
                                                           const std::string& subject,
                                                           const std::string& signerFingerprint,
                                                           OpenPgpContext& crypto,
                                                           const std::string& path,
                                                           const std::string& toName)
  {
    // Our receiver reads binary application/dicom parts; saying so inside the
    // signed report lets the partner's site of this plugin send them (#15).
    AcknowledgementContent ours = content;
    ours.readsBinaryParts = true;
    // Our current key rides inside the signature, so a renewal reaches the
    // partner with the next acknowledgement (#22).
    ours.publicKey = KeyTravel::ExportOwnKey(crypto, signerFingerprint);

    SignedMailAddressing addressing;
    addressing.fromName = fromName;
    addressing.fromAddress = fromAddress;
    addressing.toAddresses = {toAddress};
    addressing.toName = toName;
    addressing.subject = subject;

    MimeHeaders headers;
    headers.Add("Auto-Submitted", "auto-replied");   // RFC 3834: no auto-reply loops
    if (!content.setId.empty())
    {
      headers.Add(WireHeaders::kSetId, content.setId);
    }
    if (!content.setPart.empty())
    {
      headers.Add(WireHeaders::kSetPart, content.setPart);
    }
    // The signed text is exactly the entity as written (CRLF throughout).
    return SignedMailComposer::Compose(addressing, headers, AcknowledgementBuilder::Build(ours),
                                       signerFingerprint, crypto, path);
  }
}
