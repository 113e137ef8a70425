// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // A partner's "TransferSyntax": what its instances are sent in (#19).
  namespace TransferSyntaxChoice
  {
    // "" or "as-stored": the files as Orthanc stores them (returns "");
    // "jpeg-ls" and "jpeg2000": their lossless variants; or any transfer
    // syntax UID. A lossy syntax is refused unless "allowLossy" (the
    // site's explicit AllowLossyTranscoding). On refusal returns false and
    // says why in "problem".
    bool Parse(const std::string& text, bool allowLossy, std::string& uid, std::string& problem);

    // The value shown for a partner: "as-stored" or the UID.
    std::string Describe(const std::string& uid);
  }
}
