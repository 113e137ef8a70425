// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <stdexcept>
#include <string>

namespace DicomMail
{
  // What went wrong, coarse enough for the REST layer to choose an HTTP status
  // and for the receiver to choose an MDN disposition.
  enum class ErrorKind
  {
    BadInput,        // malformed request, mail or file: 400 / rejected mail
    NotFound,        // unknown partner, key, resource: 404
    Configuration,   // invalid configuration value
    Crypto,          // GnuPG failure (bad signature, cannot decrypt, ...)
    Untrusted,       // valid crypto, but the signer is not trusted for this partner
    Transport,       // SMTP/IMAP/POP3 failure (temporary unless Permanent says otherwise)
    Storage,         // disk or database failure
    LimitExceeded,   // a configured limit for hostile input was hit
    Internal
  };

  class Error : public std::runtime_error
  {
  public:
    Error(ErrorKind kind, const std::string& message) :
      std::runtime_error(message),
      kind_(kind)
    {
    }

    ErrorKind GetKind() const
    {
      return kind_;
    }

  private:
    ErrorKind kind_;
  };

  const char* ToString(ErrorKind kind);
}
