// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>

namespace DicomMail
{
  // Names with addresses, as our headers write them and as received headers
  // are shown: the one place that turns a UTF-8 name ("Klinikum Süd,
  // Radiologie") into 7-bit header text and back.
  namespace MailboxFormatter
  {
    const size_t kMaxDisplayNameBytes = 256;

    // Why "name" cannot be a display name, or "" if it can: it must be valid
    // UTF-8 of at most kMaxDisplayNameBytes without control characters (C0,
    // DEL, C1). Configuration and REST check names with it.
    std::string CheckDisplayName(const std::string& name);

    // Why "address" cannot be written as a plain addr-spec into a header and
    // an SMTP envelope, or "" if it can: local@domain, printable ASCII, at
    // most 254 characters, none of the characters that would end it.
    std::string CheckAddress(const std::string& address);

    // The RFC 5322 display-name, 7-bit: atoms as they are ("Hospital"),
    // other ASCII as a quoted-string with '"' and '\' escaped, any name with
    // a non-ASCII byte (or "=?") as RFC 2047 B-encoded UTF-8 words.
    std::string FormatDisplayName(const std::string& name);

    // "display-name <address>", or "<address>" when "name" is empty.
    std::string FormatMailbox(const std::string& name, const std::string& address);

    // The OpenPGP user id "name <address>" (UTF-8, RFC 4880). gpg itself
    // refuses '<' and '>' in a name, and GPGME finds no address in a user id
    // with either of them or with an unbalanced '(': those become '[' and ']'.
    std::string FormatUserId(const std::string& name, const std::string& address);

    // The display name of a received From/To value ("Name <a@b>",
    // "\"Doe, J.\" <a@b>", "a@b (Name)", encoded words in any of the charsets
    // EncodedWords::Decode knows, raw UTF-8), decoded to UTF-8 without
    // control characters, at most kMaxDisplayNameBytes; "" if there is none.
    // For display only: it is whatever the sender chose to write.
    std::string ExtractDisplayName(const std::string& headerValue);
  }
}
