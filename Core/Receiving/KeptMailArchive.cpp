// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Receiving/KeptMailArchive.h"

#include "Core/Common/Files.h"

#include <algorithm>
#include <ctime>
#include <dirent.h>
#include <sys/stat.h>
#include <vector>

namespace DicomMail
{
  namespace
  {
    struct KeptCopy
    {
      std::string path;
      uint64_t bytes;
      time_t modified;
      long modifiedNanoseconds;   // copies made in the same second keep their order
    };

    // The copies, oldest first (only our own "*.eml" files count).
    std::vector<KeptCopy> ListCopies(const std::string& directory)
    {
      std::vector<KeptCopy> copies;
      DIR* dir = opendir(directory.c_str());
      if (dir == nullptr)
      {
        return copies;
      }
      while (const struct dirent* entry = readdir(dir))
      {
        const std::string name = entry->d_name;
        struct stat info;
        const std::string path = directory + "/" + name;
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".eml") == 0 &&
            stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode))
        {
          copies.push_back(KeptCopy{ path, static_cast<uint64_t>(info.st_size), info.st_mtim.tv_sec,
                                     info.st_mtim.tv_nsec });
        }
      }
      closedir(dir);
      std::sort(copies.begin(), copies.end(), [](const KeptCopy& a, const KeptCopy& b) {
        if (a.modified != b.modified)
        {
          return a.modified < b.modified;
        }
        return a.modifiedNanoseconds != b.modifiedNanoseconds ? a.modifiedNanoseconds < b.modifiedNanoseconds :
          a.path < b.path;
      });
      return copies;
    }
  }

  KeptMailArchive::KeptMailArchive(const std::string& directory, uint64_t maxBytes, unsigned int maxAgeDays,
                                   const DiskSpaceGuard& disk) :
    directory_(directory),
    maxBytes_(maxBytes),
    maxAgeDays_(maxAgeDays),
    disk_(disk)
  {
  }

  uint64_t KeptMailArchive::GetTotalBytes() const
  {
    uint64_t total = 0;
    for (const KeptCopy& copy : ListCopies(directory_))
    {
      total += copy.bytes;
    }
    return total;
  }

  void KeptMailArchive::Prune(uint64_t incomingBytes)
  {
    const time_t oldest = time(nullptr) - static_cast<time_t>(maxAgeDays_) * 86400;
    std::vector<KeptCopy> copies = ListCopies(directory_);
    uint64_t total = 0;
    for (const KeptCopy& copy : copies)
    {
      total += copy.bytes;
    }
    for (const KeptCopy& copy : copies)   // oldest first
    {
      const bool fits = total <= maxBytes_ && maxBytes_ - total >= incomingBytes;
      if (fits && copy.modified >= oldest)
      {
        break;
      }
      Files::Remove(copy.path);
      total -= copy.bytes;
    }
  }

  std::string KeptMailArchive::Keep(const std::string& path, const std::string& label, std::string& whyNot)
  {
    whyNot.clear();
    const uint64_t bytes = Files::GetSize(path);
    if (bytes > maxBytes_)
    {
      whyNot = "quota";
      return "";
    }
    Files::MakeDirectories(directory_, 0700);
    Prune(bytes);
    if (!disk_.HasRoom(directory_, bytes))
    {
      whyNot = "disk space";
      return "";
    }
    TempFile target(directory_, "-" + label + ".eml");
    {
      FileSource source(path);
      FileSink sink(target.GetPath());
      CopyStream(source, sink);
      sink.CloseDurably();   // the server copy goes once this is recorded
    }
    const std::string kept = target.GetPath();
    target.Release();
    return kept;
  }
}
