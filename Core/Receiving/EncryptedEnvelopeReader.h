// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Mime/IMimeHandler.h"
#include "Core/Receiving/BoundedStringSink.h"
#include "Core/Receiving/OpenPgpPayloadSink.h"

#include <string>

namespace DicomMail
{
  // MimeParser handler for the clear-text structure of a DICOM-Mail (RFC
  // 3156 §4): multipart/encrypted; protocol="application/pgp-encrypted"
  // with exactly two parts, the application/pgp-encrypted control part
  // ("Version: 1") and the application/octet-stream part whose OpenPGP
  // message (armored or binary) is written, binary, to "ciphertext".
  // Anything else throws Error(BadInput) naming it.
  class EncryptedEnvelopeReader : public IMimeHandler
  {
  public:
    explicit EncryptedEnvelopeReader(ByteSink& ciphertext);

    void OnMultipartBegin(unsigned int depth, const MimeHeaders& headers) override;
    ByteSink* OnHeaders(unsigned int depth, const MimeHeaders& headers) override;

    // Checks the control part and completes the armor; after Parse().
    void Finish();

    OpenPgpPayloadSink& GetPayload()
    {
      return payload_;
    }

  private:
    BoundedStringSink control_;
    OpenPgpPayloadSink payload_;
    bool topSeen_ = false;
    size_t parts_ = 0;
    bool controlSeen_ = false;
    bool payloadSeen_ = false;
  };
}
