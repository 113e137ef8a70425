// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // The four acknowledgements of docs/wire-format.md §5 (RFC 3798 dispositions
  // with the @GIT vocabulary).
  enum class Disposition
  {
    Displayed,          // every instance is in the PACS
    DisplayedWarning,   // in the PACS, with a warning (e.g. some were already stored)
    DeletedError,       // failed; sending again may help
    Deleted             // failed; sending again will not help
  };

  // The exact wire value, e.g. "automatic-action/MDN-sent-automatically;displayed/warning".
  const char* ToString(Disposition disposition);

  // Reads a Disposition field value. Lenient about case, white space and
  // the action/sending mode (any "x/y" is accepted, e.g. manual-action);
  // strict about the type and modifier: only displayed, displayed/warning,
  // deleted/error and deleted are known. Throws Error(BadInput) otherwise.
  Disposition ParseDisposition(const std::string& value);

  // Displayed or DisplayedWarning: the mail arrived.
  bool IsPositive(Disposition disposition);
}
