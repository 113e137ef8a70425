// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/OpenPgpContext.h"
#include "Core/Sending/IInstanceSource.h"
#include "Core/Sending/MailEnvelope.h"

#include <string>
#include <vector>

namespace DicomMail
{
  struct ComposedMail
  {
    std::string path;        // the complete mail, CRLF, ready for SMTP
    uint64_t size = 0;
    std::string messageId;
    uint64_t dicomBytes = 0;
    unsigned int instances = 0;
  };

  // Builds one mail of a transfer (docs/wire-format.md §1-3): the RFC 3156
  // multipart/encrypted envelope whose armored OpenPGP message holds the
  // signed and encrypted multipart/mixed entity of DICOM parts + manifest.
  //
  // Streams end to end: instances are read one by one into a spawned gpg
  // (OpenPgpContext::EncryptAndSign, one pass), whose binary output is
  // armored by us (PgpArmorWriter: longer lines than gpg's, fewer bytes)
  // straight into the output file. The file holds only ciphertext and clear
  // headers without patient data.
  class MailComposer
  {
  public:
    MailComposer(OpenPgpContext& crypto, IInstanceSource& source);

    // Writes the mail to "path" (created 0600, synced). Throws on failure;
    // the caller removes the file.
    ComposedMail Compose(const MailEnvelope& envelope,
                         const std::vector<MailInstance>& instances,
                         const SetTotals& totals,
                         const MailProtection& protection,
                         const std::string& path);

  private:
    OpenPgpContext& crypto_;
    IInstanceSource& source_;
  };
}
