// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Plugin/OrthancApi.h"

#include <string>

namespace DicomMail
{
  // Transcodes one DICOM file with Orthanc's own transcoder (DCMTK, or a
  // plugin's such as orthanc-gdcm) into the partner's transfer syntax
  // (#19), following TranscodePolicy. Thread-safe: no state of its own.
  class InstanceTranscoder
  {
  public:
    explicit InstanceTranscoder(const std::string& targetSyntax);

    struct Result
    {
      bool transcoded = false;
      std::string note;             // TranscodePolicy's, for the transfer record
      std::string sopInstanceUid;   // of the transcoded file (a lossy one may get a new one)
    };

    // On success "target" holds the new file; otherwise the caller sends
    // "file" as it is and the result's note says why.
    Result Transcode(const void* file, size_t size, OrthancApi::MemoryBuffer& target) const;

    // Whether Orthanc can encode "syntax" at all, tried on a tiny image:
    // for JPEG 2000, Orthanc's own DCMTK cannot, a plugin must.
    static bool CanEncode(const std::string& syntax);

  private:
    std::string target_;
  };
}
