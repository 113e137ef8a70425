// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgEngineWrapper.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"

#include "Core/Crypto/SpawnAttributes.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <cstdlib>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace DicomMail
{
  const char* const GpgEngineWrapper::kFilePrefix = "dm-gpg-";
  const char* const GpgEngineWrapper::kProbeArgument = "--dm-probe";

  namespace
  {
    std::atomic<unsigned long> counter(0);

    std::string ShellQuoted(const std::string& text)
    {
      std::string quoted = "'";
      for (char c : text)
      {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      }
      return quoted + "'";
    }

    // How long a script may stay "busy" after it was written: another
    // thread's fork() copies our write descriptor into its child until that
    // child execs (O_CLOEXEC) - milliseconds, longer on a loaded machine.
    const std::chrono::seconds kBusyLimit(10);

    // Runs the script once with the probe argument, retrying while exec
    // says ETXTBSY. A successful exec proves that no process holds a write
    // descriptor to the file any more, and none can get one later (ours is
    // closed), so every later exec of it succeeds.
    void WaitUntilExecutable(const std::string& script)
    {
      char* const argv[] = { const_cast<char*>(script.c_str()), const_cast<char*>(GpgEngineWrapper::kProbeArgument),
                             nullptr };
      char* const envp[] = { nullptr };
      SpawnAttributes attributes;
      const auto deadline = std::chrono::steady_clock::now() + kBusyLimit;
      for (;;)
      {
        pid_t pid;
        const int error = posix_spawn(&pid, script.c_str(), nullptr, attributes.Get(), argv, envp);
        if (error == 0)
        {
          int status;
          while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
          {
          }
          return;
        }
        if (error != ETXTBSY || std::chrono::steady_clock::now() > deadline)
        {
          throw Error(ErrorKind::Crypto, "cannot run " + script + ": " + std::string(strerror(error)));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
  }

  GpgEngineWrapper::GpgEngineWrapper(const std::string& directory, const std::string& gpgProgram)
  {
    const std::string base = directory + "/" + kFilePrefix + std::to_string(getpid()) + "-" +
      std::to_string(++counter);
    script_ = base + ".sh";
    pidFile_ = base + ".pid";
    Files::WriteAll(script_, "#!/bin/sh\n"
                    "[ \"$1\" = " + std::string(kProbeArgument) + " ] && exit 0\n"
                    "echo $$ > " + ShellQuoted(pidFile_) + "\n"
                    "exec " + ShellQuoted(gpgProgram) + " \"$@\"\n");
    if (chmod(script_.c_str(), 0700) != 0)
    {
      Files::Remove(script_);
      throw Error(ErrorKind::Storage, "cannot make " + script_ + " executable");
    }
    try
    {
      WaitUntilExecutable(script_);
    }
    catch (...)
    {
      Files::Remove(script_);
      throw;
    }
  }

  GpgEngineWrapper::~GpgEngineWrapper()
  {
    try
    {
      Files::Remove(script_);
      Files::Remove(pidFile_);
    }
    catch (...)
    {
      // GnupgHome removes leftovers at the next start.
    }
  }

  void GpgEngineWrapper::ClearProcessId() const
  {
    unlink(pidFile_.c_str());
  }

  pid_t GpgEngineWrapper::ReadProcessId() const
  {
    try
    {
      if (!Files::Exists(pidFile_))
      {
        return -1;
      }
      const long pid = strtol(Files::ReadAll(pidFile_, 32).c_str(), nullptr, 10);
      return pid > 1 ? static_cast<pid_t>(pid) : -1;
    }
    catch (...)
    {
      return -1;
    }
  }

  void GpgEngineWrapper::CheckStarted(const std::string& what) const
  {
    if (ReadProcessId() < 0)
    {
      throw Error(ErrorKind::Crypto, what + ": gpg did not start (" + script_ + ")");
    }
  }
}
