// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gpgme.h>
#include <string>
#include <vector>

namespace DicomMail
{
  // Small readers for the fields of gpg's status lines (GnuPG's doc/DETAILS),
  // shared by the operations that run gpg themselves.
  namespace GpgStatusFields
  {
    // "a b  c" -> {"a", "b", "c"}
    std::vector<std::string> Split(const std::string& arguments);

    // The field at "index", "" if there are fewer.
    std::string Field(const std::vector<std::string>& fields, size_t index);

    // RFC 4880 §9.2: 9 -> "AES256"; "unknown" for others.
    std::string SymmetricAlgorithmName(int id);

    // RFC 4880 §9.4: 10 -> "SHA512"; "unknown" for others.
    std::string HashAlgorithmName(int id);

    // "FAILURE <location> <code>" / "ERROR <location> <code>": the code as a
    // libgpg-error value (a general error if it is missing).
    gpgme_error_t ErrorCode(const std::string& arguments);

    // " (<last line gpg wrote on stderr>)", or "" if it wrote nothing.
    std::string LastMessage(const std::string& diagnostics);

    // Undoes gpg's %XX escapes (PLAINTEXT file names).
    std::string Unescape(const std::string& text);
  }
}
