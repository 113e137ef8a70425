// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  namespace LineEnds
  {
    // Every bare LF becomes CRLF: gpg writes armor with LF line ends, MIME
    // (and a signed part's canonical form) wants CRLF.
    std::string ToCrlf(const std::string& text);
  }
}
