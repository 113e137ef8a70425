// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/TransferPacker.h"

#include "Core/Common/Error.h"
#include "Core/Transfer/PackingOrder.h"

namespace DicomMail
{
  TransferPacker::TransferPacker(uint64_t maxMailSize,
                                 const EncodedSizeModel& model,
                                 size_t maxInstancesPerMail) :
    maxMailSize_(maxMailSize),
    model_(model),
    maxInstancesPerMail_(maxInstancesPerMail)
  {
    if (maxInstancesPerMail_ == 0)
    {
      throw Error(ErrorKind::Configuration, "The maximum number of instances per mail must be at least 1");
    }
    // Fails early, naming the size needed, if the limit cannot hold headers.
    model_.MaxPayloadFor(maxMailSize_);
  }

  std::vector<PlannedMail> TransferPacker::Plan(const std::vector<PackerInstance>& instances) const
  {
    if (instances.empty())
    {
      throw Error(ErrorKind::BadInput, "There are no instances to send");
    }

    std::vector<PlannedMail> mails;
    PlannedMail current;
    uint64_t currentParts = 0;   // sum of EncodedPartBytes() in "current"

    auto close = [&]()
    {
      if (!current.instances.empty())
      {
        current.part = static_cast<unsigned int>(mails.size() + 1);
        current.estimatedSize = model_.EstimateFromParts(currentParts, current.instances.size());
        mails.push_back(std::move(current));
        current = PlannedMail();
        currentParts = 0;
      }
    };

    for (const size_t i : PackingOrder::SmallSeriesFirst(instances))
    {
      const uint64_t part = model_.EncodedPartBytes(instances[i].size, instances[i].compressible);

      if (model_.EstimateFromParts(part, 1) > maxMailSize_)
      {
        close();
        current.instances.push_back(i);
        currentParts = part;
        current.needsSplit = true;
        close();
        continue;
      }

      if (!current.instances.empty() &&
          (current.instances.size() >= maxInstancesPerMail_ ||
           model_.EstimateFromParts(currentParts + part, current.instances.size() + 1) > maxMailSize_))
      {
        close();
      }

      current.instances.push_back(i);
      currentParts += part;
    }

    close();
    return mails;
  }
}
