// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Sending/IInstanceSource.h"
#include "Plugin/Instances/InstancePseudonymiser.h"
#include "Plugin/Instances/InstanceTranscoder.h"

#include <map>

namespace DicomMail
{
  // Reads DICOM files from Orthanc's store, one at a time (the whole file of
  // one instance is the unit Orthanc's SDK hands out), and transcodes each
  // into the partner's transfer syntax when one is set (#19). Memory holds
  // the stored file and its transcoded copy of one instance at a time.
  class OrthancInstanceSource : public IInstanceSource
  {
  public:
    // "targetSyntax": "" sends the files as stored; "pseudonymiser" (not
    // owned), when given, makes the copy that is sent (then transcoded).
    explicit OrthancInstanceSource(const std::string& targetSyntax = "",
                                   InstancePseudonymiser* pseudonymiser = nullptr);

    std::unique_ptr<ByteSource> Open(const std::string& orthancId) override;

    std::string GetChangedSopInstanceUid() const override
    {
      return changedSopInstanceUid_;
    }

    // TranscodePolicy's or PseudonymProfile's note -> instances opened with it.
    const std::map<std::string, uint64_t>& GetNotes() const
    {
      return notes_;
    }

    struct InstanceFacts
    {
      std::string sopInstanceUid;
      uint64_t fileSize = 0;
    };

    // What the manifest needs of a stored instance; Error(NotFound) if it is gone.
    static InstanceFacts GetFacts(const std::string& orthancId);

  private:
    InstanceTranscoder transcoder_;
    InstancePseudonymiser* pseudonymiser_;
    std::map<std::string, uint64_t> notes_;
    std::string changedSopInstanceUid_;
  };
}
