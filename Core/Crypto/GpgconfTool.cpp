// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgconfTool.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/GpgmeLibrary.h"
#include "Core/Crypto/SpawnActions.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace DicomMail
{
  namespace
  {
    // gpgconf prints a few lines at most; anything beyond is dropped.
    const size_t kMaxOutput = 64 * 1024;

    std::string Describe(const std::vector<std::string>& arguments)
    {
      std::string s = "gpgconf";
      for (const std::string& a : arguments)
      {
        s += " " + a;
      }
      return s;
    }
  }

  std::string GpgconfTool::Run(const std::string& home, const std::vector<std::string>& arguments)
  {
    const std::string program = GpgmeLibrary::GetGpgconfPath();

    std::vector<std::string> all = { program, "--homedir", home };
    all.insert(all.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& a : all)
    {
      argv.push_back(&a[0]);
    }
    argv.push_back(nullptr);

    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
    {
      throw Error(ErrorKind::Internal, std::string("cannot create a pipe for gpgconf: ") + strerror(errno));
    }

    pid_t pid = -1;
    int spawnError;
    {
      SpawnActions actions;
      posix_spawn_file_actions_adddup2(actions.Get(), fds[1], 1);
      posix_spawn_file_actions_adddup2(actions.Get(), fds[1], 2);
      posix_spawn_file_actions_addopen(actions.Get(), 0, "/dev/null", O_RDONLY, 0);
      spawnError = posix_spawn(&pid, program.c_str(), actions.Get(), nullptr, argv.data(), environ);
    }
    close(fds[1]);

    if (spawnError != 0)
    {
      close(fds[0]);
      throw Error(ErrorKind::Configuration, "cannot run " + program + ": " + strerror(spawnError));
    }

    std::string output;
    char buffer[4096];
    for (;;)
    {
      const ssize_t n = read(fds[0], buffer, sizeof(buffer));
      if (n > 0)
      {
        if (output.size() < kMaxOutput)
        {
          output.append(buffer, static_cast<size_t>(n));
        }
      }
      else if (n == 0 || errno != EINTR)
      {
        break;
      }
    }
    close(fds[0]);

    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
    {
      if (errno != EINTR)
      {
        throw Error(ErrorKind::Internal, std::string("cannot wait for gpgconf: ") + strerror(errno));
      }
    }

    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    {
      throw Error(ErrorKind::Configuration, Describe(arguments) + " failed for the GnuPG home " +
                  home + ": " + output);
    }
    return output;
  }
}
