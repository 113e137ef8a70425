// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // The extension field (RFC 3798 §3.3, "X-" prefixed) by which a site says,
  // inside its signed acknowledgement, what its receiver reads beyond the
  // wire profile (docs/wire-format.md §5). A comma-separated list of tokens,
  // case-insensitive; tokens we do not know are ignored, so a later version
  // may add some without breaking older readers.
  namespace AcknowledgementCapabilities
  {
    extern const char* const kField;         // "X-DICOM-Mail-Capabilities"
    extern const char* const kBinaryParts;   // "binary-parts"
    // When the receiver was done with the mail, UTC with milliseconds
    // ("2026-12-07T05:00:00.123Z"); for the sender's QA record (#17).
    extern const char* const kCompletedField;   // "X-DICOM-Mail-Completed"

    // The field's time in ms since the epoch; 0 when absent, repeated or malformed.
    int64_t ReadCompleted(const std::vector<std::string>& fieldValues);

    // True when one of the field's values (every occurrence counts) names
    // binary-parts.
    bool NamesBinaryParts(const std::vector<std::string>& fieldValues);
  }
}
