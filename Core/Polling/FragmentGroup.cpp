// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Polling/FragmentGroup.h"

#include <algorithm>

namespace DicomMail
{
  FragmentGroup::FragmentGroup(const std::vector<FragmentRecord>& fragments) :
    fragments_(fragments)
  {
    for (const FragmentRecord& f : fragments_)
    {
      total_ = std::max(total_, f.total);
      bytes_ += f.bytes;
    }
  }

  bool FragmentGroup::IsComplete() const
  {
    return total_ != 0 && fragments_.size() >= total_;
  }

  std::string FragmentGroup::CheckLimits(uint64_t maxMailBytes, unsigned int maxFragments) const
  {
    if (bytes_ > maxMailBytes)
    {
      return "its fragments together have " + std::to_string(bytes_) + " bytes, more than the limit of " +
        std::to_string(maxMailBytes) + " (Limits.MaxMailBytes)";
    }
    if (fragments_.size() > maxFragments)
    {
      return "it has " + std::to_string(fragments_.size()) + " fragments, more than the limit of " +
        std::to_string(maxFragments) + " (Limits.MaxFragments)";
    }
    return "";
  }
}
