// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/EncryptDetails.h"
#include "Core/Crypto/LoopbackPassphrase.h"

#include <gpgme.h>
#include <string>
#include <vector>

namespace DicomMail
{
  class GpgProcess;

  // Follows the status lines of one "gpg --sign [--encrypt]" run (GnuPG's
  // doc/DETAILS): answers the passphrase question and remembers what gpg did
  // and refused, to turn it into EncryptDetails or an Error at the end.
  class SignEncryptStatus
  {
  public:
    // "what" starts error messages; "encrypting" is false for a signature
    // alone (no END_ENCRYPTION is expected then).
    SignEncryptStatus(GpgProcess& process, const LoopbackPassphrase::Answer& passphrase,
                      const std::string& what, bool encrypting);

    void Handle(const std::string& keyword, const std::string& arguments);

    // After gpg ended: an Error for anything that went wrong, else the details.
    EncryptDetails Conclude(int exitCode) const;

  private:
    struct InvalidKey
    {
      int reason;
      std::string name;   // fingerprint in groups of four, or what gpg named
    };

    // "<reason> <fingerprint or name>"
    static InvalidKey ParseInvalidKey(const std::string& arguments);

    void ThrowForInvalidKeys() const;

    GpgProcess& process_;
    std::string what_;
    bool encrypting_;
    LoopbackPassphrase passphrase_;
    EncryptDetails details_;
    bool encrypted_ = false;
    bool signed_ = false;
    gpgme_error_t failure_ = 0;
    std::vector<InvalidKey> invalidRecipients_;
    std::vector<InvalidKey> invalidSigners_;
  };
}
