// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/MappedFile.h"

#include "Core/Common/Error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace DicomMail
{
  MappedFile::MappedFile(const std::string& path, size_t maxSize)
  {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
    {
      throw Error(ErrorKind::Storage, "Cannot open " + path + ": " + strerror(errno));
    }
    struct stat info;
    if (fstat(fd, &info) != 0)
    {
      const int saved = errno;
      close(fd);
      throw Error(ErrorKind::Storage, "Cannot stat " + path + ": " + strerror(saved));
    }
    if (static_cast<uint64_t>(info.st_size) > maxSize)
    {
      close(fd);
      throw Error(ErrorKind::LimitExceeded, "File too large: " + path);
    }
    size_ = static_cast<size_t>(info.st_size);
    if (size_ > 0)
    {
      // MAP_POPULATE: one pass over the page cache instead of a fault per page.
      void* mapped = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (mapped == MAP_FAILED)
      {
        const int saved = errno;
        close(fd);
        throw Error(ErrorKind::Storage, "Cannot map " + path + ": " + strerror(saved));
      }
      data_ = mapped;
    }
    close(fd);   // the mapping stays valid
  }

  MappedFile::~MappedFile()
  {
    if (data_ != nullptr)
    {
      munmap(data_, size_);
    }
  }
}
