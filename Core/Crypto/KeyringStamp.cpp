// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/KeyringStamp.h"

#include <algorithm>
#include <sys/stat.h>
#include <time.h>

namespace DicomMail
{
  const int64_t KeyringStamp::kRacyNanoseconds;

  namespace
  {
    int64_t Nanoseconds(const struct timespec& t)
    {
      return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
    }

    void AppendFile(const std::string& path, std::string& identity, int64_t& newest)
    {
      struct stat info;
      if (stat(path.c_str(), &info) != 0)
      {
        identity += "-|";
        return;
      }
      identity += std::to_string(info.st_ino) + ":" + std::to_string(info.st_size) + ":" +
                  std::to_string(Nanoseconds(info.st_mtim)) + ":" + std::to_string(Nanoseconds(info.st_ctim)) + "|";
      newest = std::max(newest, std::max(Nanoseconds(info.st_mtim), Nanoseconds(info.st_ctim)));
    }
  }

  KeyringStamp KeyringStamp::Take(const std::string& gnupgHome)
  {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    std::string identity;
    int64_t newest = 0;
    AppendFile(gnupgHome + "/pubring.kbx", identity, newest);
    AppendFile(gnupgHome + "/trustdb.gpg", identity, newest);
    AppendFile(gnupgHome + "/private-keys-v1.d", identity, newest);
    return FromParts(identity, newest, Nanoseconds(now));
  }

  KeyringStamp KeyringStamp::FromParts(const std::string& identity, int64_t newestChange, int64_t taken)
  {
    KeyringStamp stamp;
    stamp.identity_ = identity;
    stamp.newestChange_ = newestChange;
    stamp.taken_ = taken;
    return stamp;
  }
}
