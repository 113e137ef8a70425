// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Transfer/EncodedSizeModel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  struct PackerInstance
  {
    std::string id;      // the caller's key (e.g. the Orthanc instance id); not interpreted
    uint64_t size = 0;   // bytes of the DICOM file
    bool compressible = false;   // stored uncompressed: see EncodedSizeModel::compressiblePercent
    std::string study;   // keys that group instances for PackingOrder; "" for all alike
    std::string series;
  };

  struct PlannedMail
  {
    unsigned int part = 0;              // 1..N, the future X-TELEMEDICINE-SETPART
    std::vector<size_t> instances;      // indexes into the planner's input, in packing order
    uint64_t estimatedSize = 0;         // EncodedSizeModel's estimate of the final mail
    bool needsSplit = false;            // one instance too large for a mail: send as message/partial
  };

  // Plans the mails of a transfer (docs/wire-format.md §4): instances go into
  // mails in PackingOrder (studies as given, within each whole series smallest
  // first, instances as given) until the next one would push the estimated
  // mail over maxMailSize; an instance too large for any mail goes alone in a
  // mail marked needsSplit.
  class TransferPacker
  {
  public:
    // maxInstancesPerMail also caps a mail of many tiny files, which keeps
    // receivers far from their part-count limit and resends cheap.
    explicit TransferPacker(uint64_t maxMailSize,
                            const EncodedSizeModel& model = EncodedSizeModel(),
                            size_t maxInstancesPerMail = 1000);

    // Throws Error(BadInput) for an empty list, Error(Configuration) when
    // maxMailSize cannot hold the headers of a mail.
    std::vector<PlannedMail> Plan(const std::vector<PackerInstance>& instances) const;

    uint64_t GetMaxMailSize() const
    {
      return maxMailSize_;
    }

    const EncodedSizeModel& GetModel() const
    {
      return model_;
    }

  private:
    uint64_t maxMailSize_;
    EncodedSizeModel model_;
    size_t maxInstancesPerMail_;
  };
}
