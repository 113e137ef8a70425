// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/AbandonedGpgLocks.h"

#include "Core/Common/Files.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <memory>
#include <sys/utsname.h>

namespace DicomMail
{
  namespace
  {
    // A lock file holds the pid (ten characters and a newline) and then the
    // host name; a few bytes more are never needed.
    const uint64_t kMaxLockFile = 1024;

    bool EndsWith(const std::string& text, const std::string& suffix)
    {
      return text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
    }

    std::vector<std::string> LockFiles(const std::string& directory)
    {
      std::vector<std::string> paths;
      std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(directory.c_str()), closedir);
      if (!dir)
      {
        return paths;
      }
      while (const dirent* entry = readdir(dir.get()))
      {
        const std::string name = entry->d_name;
        if (EndsWith(name, ".lock"))
        {
          paths.push_back(directory + "/" + name);
        }
      }
      return paths;
    }

    std::string HostName()
    {
      utsname names;
      return uname(&names) == 0 ? names.nodename : "";
    }

    // True if the lock at "path" was made on this host by a process that is gone.
    bool IsAbandoned(const std::string& path, const std::string& host)
    {
      std::string content;
      try
      {
        content = Files::ReadAll(path, kMaxLockFile);
      }
      catch (...)
      {
        return false;   // removed meanwhile, or not ours to read
      }
      const size_t newline = content.find('\n');
      if (newline == std::string::npos)
      {
        return false;   // being written
      }
      char* end = nullptr;
      const long pid = strtol(content.c_str(), &end, 10);
      std::string owner = content.substr(newline + 1);
      owner = owner.substr(0, owner.find('\n'));
      return pid > 1 && end != content.c_str() && owner == host && AbandonedGpgLocks::IsGone(static_cast<pid_t>(pid));
    }
  }

  namespace AbandonedGpgLocks
  {
    bool IsGone(pid_t pid)
    {
      if (kill(pid, 0) != 0 && errno == ESRCH)
      {
        return true;
      }
      std::string stat;
      try
      {
        stat = Files::ReadAll("/proc/" + std::to_string(pid) + "/stat", 4096);
      }
      catch (...)
      {
        return false;   // no /proc: only the existence of the pid is known
      }
      // "<pid> (<name>) <state> ...": the name may hold spaces and parentheses.
      const size_t close = stat.rfind(')');
      return close != std::string::npos && close + 2 < stat.size() &&
        (stat[close + 2] == 'Z' || stat[close + 2] == 'X');
    }

    std::vector<std::string> Remove(const std::string& home)
    {
      const std::string host = HostName();
      std::vector<std::string> removed;
      for (const std::string& directory : { home, home + "/public-keys.d" })
      {
        for (const std::string& path : LockFiles(directory))
        {
          if (IsAbandoned(path, host))
          {
            Files::Remove(path);
            removed.push_back(path);
          }
        }
      }
      return removed;
    }
  }
}
