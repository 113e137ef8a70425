// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"

#include <memory>
#include <string>

namespace DicomMail
{
  // Where the composer gets DICOM files from: the plugin reads them from
  // Orthanc's store, the tests from disk. One instance at a time, so memory
  // holds at most one file whatever the study size.
  class IInstanceSource
  {
  public:
    virtual ~IInstanceSource() = default;

    // The Part-10 file of instance "id" as it is to be sent: byte for byte
    // as stored, or as the partner's settings change it (transcoded, #19).
    virtual std::unique_ptr<ByteSource> Open(const std::string& id) = 0;

    // The SOP Instance UID of the file the last Open() returned when it is
    // not the one recorded for the instance (a lossy transcoding makes a
    // new instance); "" when unchanged. The manifest names the file as sent.
    virtual std::string GetChangedSopInstanceUid() const
    {
      return "";
    }
  };
}
