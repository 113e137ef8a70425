// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace DicomMail
{
  // Keeps a reserve of free space on a file system: the working directory
  // and the kept copies often share their disk with Orthanc's storage, and
  // filling it would stop the PACS. Asked before a mail, a fragment or a
  // decrypted entity is written.
  class DiskSpaceGuard
  {
  public:
    explicit DiskSpaceGuard(uint64_t reserveBytes);

    // Whether "bytes" more still leave the reserve free in "directory".
    bool HasRoom(const std::string& directory, uint64_t bytes) const;

    // Throws Error(Storage) saying where space is short, for what, and how
    // much is free; the caller leaves the mail on the server.
    void Require(const std::string& directory, uint64_t bytes, const std::string& what) const;

  private:
    uint64_t reserveBytes_;
  };
}
