// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/TransferPacker.h"

#include "Core/Common/Error.h"
#include "Core/Transfer/PackingOrder.h"

#include <algorithm>

namespace DicomMail
{
  namespace
  {
    bool SameSeries(const PackerInstance& a, const PackerInstance& b)
    {
      return a.study == b.study && a.series == b.series;
    }
  }

  TransferPacker::TransferPacker(uint64_t maxMailSize,
                                 const EncodedSizeModel& model,
                                 size_t maxInstancesPerMail,
                                 uint64_t firstMailBudget) :
    maxMailSize_(maxMailSize),
    model_(model),
    maxInstancesPerMail_(maxInstancesPerMail),
    firstMailBudget_(firstMailBudget)
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

    const std::vector<size_t> order = PackingOrder::SmallSeriesFirst(instances);
    std::vector<PlannedMail> mails;
    Pack(instances, order, 0, order.size(), mails);
    // A transfer of one mail gains nothing from a small first one, and a
    // budget near the limit would only add a mail.
    if (mails.size() < 2 || firstMailBudget_ == 0 || firstMailBudget_ > maxMailSize_ / 2)
    {
      return mails;
    }

    // Greedy packing is optimal for a fixed order, so the rest needs no more
    // mails than the whole did: the small first mail costs one mail at most.
    const size_t head = FirstMailLength(instances, order);
    mails.clear();
    Pack(instances, order, 0, head, mails);
    Pack(instances, order, head, order.size(), mails);
    return mails;
  }

  bool TransferPacker::FitsFirstMail(uint64_t parts, size_t count) const
  {
    return count <= maxInstancesPerMail_ && model_.EstimateFromParts(parts, count) <= firstMailBudget_;
  }

  size_t TransferPacker::FirstMailLength(const std::vector<PackerInstance>& instances,
                                         const std::vector<size_t>& order) const
  {
    // Whole series, in packing order, while they fit the budget: a complete
    // scout or reformat is something to read at once.
    uint64_t parts = 0;
    size_t taken = 0;
    while (taken < order.size())
    {
      size_t end = taken;
      uint64_t seriesParts = 0;
      while (end < order.size() && SameSeries(instances[order[taken]], instances[order[end]]))
      {
        seriesParts += model_.EncodedPartBytes(instances[order[end]].size, instances[order[end]].compressible);
        end++;
      }
      if (!FitsFirstMail(parts + seriesParts, end))
      {
        break;
      }
      parts += seriesParts;
      taken = end;
    }
    if (taken > 0)
    {
      return taken;
    }

    // Not even the first series fits: its first instances that do, at least
    // one (an instance over the budget still goes alone, first).
    while (taken < order.size())
    {
      const uint64_t part = model_.EncodedPartBytes(instances[order[taken]].size, instances[order[taken]].compressible);
      if (!FitsFirstMail(parts + part, taken + 1))
      {
        break;
      }
      parts += part;
      taken++;
    }
    return std::max<size_t>(taken, 1);
  }

  void TransferPacker::Pack(const std::vector<PackerInstance>& instances, const std::vector<size_t>& order,
                            size_t begin, size_t end, std::vector<PlannedMail>& mails) const
  {
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

    for (size_t k = begin; k < end; k++)
    {
      const size_t i = order[k];
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
  }
}
