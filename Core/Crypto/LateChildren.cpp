// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/LateChildren.h"

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <sys/wait.h>
#include <vector>

namespace DicomMail
{
  namespace
  {
    std::mutex mutex;
    std::vector<pid_t> children;
  }

  namespace LateChildren
  {
    void Adopt(pid_t pid)
    {
      std::lock_guard<std::mutex> lock(mutex);
      children.push_back(pid);
    }

    size_t ReapFinished()
    {
      std::lock_guard<std::mutex> lock(mutex);
      children.erase(std::remove_if(children.begin(), children.end(), [](pid_t pid)
      {
        int status = 0;
        pid_t result;
        do
        {
          result = waitpid(pid, &status, WNOHANG);
        } while (result < 0 && errno == EINTR);
        return result != 0;   // reaped, or not ours to reap (ECHILD)
      }), children.end());
      return children.size();
    }
  }
}
