// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Sending/IInstanceSource.h"

namespace DicomMail
{
  // Reads DICOM files from Orthanc's store, one at a time (the whole file of
  // one instance is the unit Orthanc's SDK hands out).
  class OrthancInstanceSource : public IInstanceSource
  {
  public:
    std::unique_ptr<ByteSource> Open(const std::string& orthancId) override;

    struct InstanceFacts
    {
      std::string sopInstanceUid;
      uint64_t fileSize = 0;
    };

    // What the manifest needs of a stored instance; Error(NotFound) if it is gone.
    static InstanceFacts GetFacts(const std::string& orthancId);
  };
}
