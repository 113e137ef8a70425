// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Mime/MimeHeaders.h"
#include "Core/Sending/MailEnvelope.h"
#include "Core/Sending/SignedMailComposer.h"

#include <string>

namespace DicomMail
{
  // What a key announcement says (docs/wire-format.md §10): the sender's new
  // primary key, and the key part that carries it.
  struct KeyAnnouncement
  {
    bool present = false;
    std::string newFingerprint;
    std::string keyPart;
  };

  // The mail a site sends each partner when it rotates its key (#22):
  // signed by the OLD key and encrypted like a transfer mail; inside, the
  // header X-DICOMMAIL-KEY-ROTATION names the new primary fingerprint and an
  // application/pgp-keys part carries the old key and the new one, certified
  // by the old. The clear headers say nothing beyond a fixed subject.
  namespace KeyAnnouncementMail
  {
    extern const char* const kHeader;    // X-DICOMMAIL-KEY-ROTATION
    extern const char* const kSubject;

    // The signed entity; "keys" armored (old key and new key).
    std::string ComposeEntity(const std::string& oldFingerprint, const std::string& newFingerprint,
                              const std::string& keys);

    // Writes the whole mail to "path"; "protection" signs with the old key.
    ComposedSignedMail Compose(const std::string& oldFingerprint, const std::string& newFingerprint,
                               const std::string& keys, const SignedMailAddressing& addressing,
                               const MailProtection& protection, OpenPgpContext& crypto, const std::string& path);

    // Reads the authenticated entity's headers; false for any other mail.
    // Error(BadInput) for a malformed announcement.
    bool Read(const MimeHeaders& topHeaders, const std::string& keyPart, KeyAnnouncement& out);
  }
}
