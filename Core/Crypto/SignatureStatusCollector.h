// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/VerifyResult.h"

#include <gpgme.h>
#include <string>
#include <vector>

namespace DicomMail
{
  // Collects the signatures gpg reports while it verifies (NEWSIG, GOODSIG,
  // EXPSIG, EXPKEYSIG, REVKEYSIG, BADSIG, ERRSIG, VALIDSIG, TRUST_*; GnuPG's
  // doc/DETAILS) and judges each as GPGME 1.18 does (its GPGME_SIGSUM_*
  // summary), so callers get the same SignatureCheck however gpg was run.
  class SignatureStatusCollector
  {
  public:
    // False if the line is not about a signature.
    bool Handle(const std::string& keyword, const std::string& arguments);

    // Every signature reported so far, judged.
    std::vector<SignatureCheck> GetSignatures() const;

  private:
    struct Reported
    {
      SignatureCheck check;
      gpgme_error_t status = 0;
      gpgme_validity_t validity = GPGME_VALIDITY_UNKNOWN;
      bool hasVerdict = false;
    };

    // The signature a verdict line is about: a new one unless NEWSIG opened
    // one that has no verdict yet.
    Reported& ForVerdict();

    static unsigned int Summarize(const Reported& signature);

    std::vector<Reported> signatures_;
  };
}
