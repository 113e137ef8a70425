// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Crypto/KeyInfo.h"

#include <string>
#include <vector>

namespace DicomMail
{
  // A key the site trusts to certify partners: it carries a trust signature
  // (gpg "ltsign", depth 1, full trust) made by a key whose secret part this
  // home holds (the site key). The newest such signature decides, as in
  // GnuPG's trust database.
  struct CertifyingAuthority
  {
    std::string fingerprint;
    std::string name;          // its first user ID
    std::string domain;        // "" = every address
    bool scopeKnown = true;    // false: a regular expression gpg's tsign does not write
    int64_t trustedSince = 0;
    std::string problem;       // why it certifies nothing now ("" when usable)
  };

  std::vector<CertifyingAuthority> FindCertifyingAuthorities(const std::vector<KeyInfo>& keys);

  // Whether "key" is certified by one of "authorities" for a user ID in its
  // scope; if not, the most telling reason an authority's certification does
  // not count (empty when no authority certified it at all).
  struct AuthorityVerdict
  {
    bool certified = false;
    std::string fingerprint;   // of the authority that certified it
    std::string name;
    std::string problem;
  };

  AuthorityVerdict JudgeAuthorityCertifications(const KeyInfo& key,
                                                const std::vector<CertifyingAuthority>& authorities);
}
