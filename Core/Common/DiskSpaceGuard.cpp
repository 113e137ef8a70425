// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/DiskSpaceGuard.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"

namespace DicomMail
{
  namespace
  {
    std::string Megabytes(uint64_t bytes)
    {
      return std::to_string((bytes + 999999) / 1000000) + " MB";
    }
  }

  DiskSpaceGuard::DiskSpaceGuard(uint64_t reserveBytes) :
    reserveBytes_(reserveBytes)
  {
  }

  bool DiskSpaceGuard::HasRoom(const std::string& directory, uint64_t bytes) const
  {
    const uint64_t free = Files::GetFreeSpace(directory);
    return free >= reserveBytes_ && free - reserveBytes_ >= bytes;
  }

  void DiskSpaceGuard::Require(const std::string& directory, uint64_t bytes, const std::string& what) const
  {
    if (!HasRoom(directory, bytes))
    {
      throw Error(ErrorKind::Storage, "not enough free disk space in " + directory + " for " + what + ": " +
                  Megabytes(Files::GetFreeSpace(directory)) + " free, " + Megabytes(bytes) +
                  " needed plus a reserve of " + Megabytes(reserveBytes_) +
                  " (Limits.MinFreeDiskMB); the mail stays on the server until space is back");
    }
  }
}
