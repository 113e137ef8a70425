// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // The addresses a certifying authority is trusted for: one mail domain and
  // its subdomains, or every address. The scope lives in GnuPG's trust
  // signature as the regular expression gpg's own "tsign" writes
  // ("<[^>]+[@.]example\-net\.de>$"), so gpg's validity and our reading of
  // it agree. ASCII only (no IDN conversion: an IDN domain is given in its
  // xn-- form).
  namespace AuthorityScope
  {
    // "example.de", "*@example.de", "@example.de" (any case) -> "example.de";
    // "" or "*" -> "" (every address). Throws Error(BadInput) naming the text.
    std::string NormalizeDomain(const std::string& text);

    // Whether "address" (local@domain) is in the scope of "domain" ("" =
    // every address): the domain itself or a subdomain, case-insensitive.
    bool Covers(const std::string& domain, const std::string& address);

    // The domain of a trust signature's regular expression as gpg writes it;
    // "" for no expression. False for any other expression (then the scope
    // is unknown to us and the authority counts for nothing).
    bool DomainFromRegexp(const std::string& regexp, std::string& domain);
  }
}
