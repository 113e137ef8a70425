// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/DiskSpaceGuard.h"

#include <cstdint>
#include <string>

namespace DicomMail
{
  // <StateDirectory>/kept-mail: copies of quarantined mail (for a retry once
  // the partner's key is certified) and, with POP3, of rejected mail. Anyone
  // can send mail, so the copies are bounded: copies older than maxAgeDays
  // go first, then the oldest until a new copy fits in maxBytes. A mail that
  // does not fit at all is not kept; the caller still records its outcome.
  class KeptMailArchive
  {
  public:
    KeptMailArchive(const std::string& directory, uint64_t maxBytes, unsigned int maxAgeDays,
                    const DiskSpaceGuard& disk);

    // Copies "path" (durably) and returns the copy's path, or "" and
    // "whyNot" when it cannot be kept (over the quota, or the disk's reserve).
    std::string Keep(const std::string& path, const std::string& label, std::string& whyNot);

    // Removes copies older than maxAgeDays, then the oldest until
    // "incomingBytes" more fit in maxBytes.
    void Prune(uint64_t incomingBytes);

    // Bytes of all copies now in the archive.
    uint64_t GetTotalBytes() const;

  private:
    std::string directory_;
    uint64_t maxBytes_;
    unsigned int maxAgeDays_;
    const DiskSpaceGuard& disk_;
  };
}
