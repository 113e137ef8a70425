// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Store/InboxStore.h"

#include <cstdint>
#include <string>
#include <vector>

namespace DicomMail
{
  // The recorded fragments of one message/partial id, and what follows from
  // them: the announced total, completeness and whether the group already
  // broke a limit. Fragments come from anyone, so a group is bounded while
  // it grows, not only once it is reassembled.
  class FragmentGroup
  {
  public:
    explicit FragmentGroup(const std::vector<FragmentRecord>& fragments);

    const std::vector<FragmentRecord>& GetFragments() const
    {
      return fragments_;
    }

    // The largest total= any fragment announced; 0 while none did.
    unsigned int GetTotal() const
    {
      return total_;
    }

    // Bytes of all fragments as fetched.
    uint64_t GetBytes() const
    {
      return bytes_;
    }

    bool IsComplete() const;

    // Why the group must be refused ("" while it is within bounds): more
    // bytes together than maxMailBytes, or more fragments than maxFragments.
    std::string CheckLimits(uint64_t maxMailBytes, unsigned int maxFragments) const;

  private:
    std::vector<FragmentRecord> fragments_;
    unsigned int total_ = 0;
    uint64_t bytes_ = 0;
  };
}
