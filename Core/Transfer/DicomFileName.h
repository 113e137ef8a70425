// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace DicomMail
{
  // Names of the application/dicom parts: 8 characters of [A-Z0-9_] plus
  // ".dcm" (the RFC 3240 / DICOM file-id rule). They carry no patient data,
  // and a receiver never uses a received name as a path.
  namespace DicomFileName
  {
    const unsigned int kMaxIndex = 999999;

    // "IM000001.dcm" for 1, ...; throws Error(LimitExceeded) outside 1..kMaxIndex.
    std::string ForIndex(unsigned int index);

    // True for 1 to 8 characters of [A-Z0-9_], optionally followed by ".dcm"
    // in any case. Anything else (paths, dots, spaces, lower case, non-ASCII)
    // is unsafe to show or to derive a name from.
    bool IsSafeDicomName(const std::string& name);
  }
}
