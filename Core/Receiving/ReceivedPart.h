// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/Files.h"

#include <cstdint>
#include <memory>
#include <string>

namespace DicomMail
{
  // One candidate DICOM part of a decrypted entity, kept until it is
  // imported: in memory while the mail's budget lasts (ReceiveLimits::
  // partsInMemoryBytes), else in its own temporary file (removed with the
  // object).
  struct ReceivedPart
  {
    unsigned int index = 0;           // 1-based among the leaf parts, for messages
    std::string contentType;          // "application/dicom" or "application/octet-stream"
    std::string name;                 // file name from Content-Type / Content-Disposition, as sent
    bool declaredDicom = false;       // application/dicom
    bool isDicom = false;             // "DICM" at offset 128
    uint64_t size = 0;
    std::string sha256;
    std::string content;              // the bytes, unless "file" holds them
    std::unique_ptr<TempFile> file;

    // "IM000003.dcm" when the name is a safe DICOM file id, else "part 3":
    // received names are shown only when they cannot carry anything else.
    std::string Describe() const;
  };
}
