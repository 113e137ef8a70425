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

    // The Part-10 file of instance "id", byte for byte as stored.
    virtual std::unique_ptr<ByteSource> Open(const std::string& id) = 0;
  };
}
