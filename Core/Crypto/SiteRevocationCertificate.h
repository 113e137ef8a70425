// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // The revocation certificate gpg wrote for the site key when it created it
  // (<GnupgHome>/openpgp-revocs.d/<fingerprint>.rev), handed out once: it
  // is taken away from the home by a rename, so a second caller, even at
  // the same time, gets nothing. Answers only the armored certificate,
  // without gpg's import guard (ready for "gpg --import"). Never logged.
  class SiteRevocationCertificate
  {
  public:
    // False if it was handed out already (or gpg never wrote one).
    static bool Take(const std::string& gnupgHome, const std::string& fingerprint, std::string& certificate);
  };
}
