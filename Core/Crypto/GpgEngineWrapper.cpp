// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgEngineWrapper.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"

#include <atomic>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace DicomMail
{
  const char* const GpgEngineWrapper::kFilePrefix = "dm-gpg-";

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
  }

  GpgEngineWrapper::GpgEngineWrapper(const std::string& directory, const std::string& gpgProgram)
  {
    const std::string base = directory + "/" + kFilePrefix + std::to_string(getpid()) + "-" +
      std::to_string(++counter);
    script_ = base + ".sh";
    pidFile_ = base + ".pid";
    Files::WriteAll(script_, "#!/bin/sh\n"
                    "echo $$ > " + ShellQuoted(pidFile_) + "\n"
                    "exec " + ShellQuoted(gpgProgram) + " \"$@\"\n");
    if (chmod(script_.c_str(), 0700) != 0)
    {
      Files::Remove(script_);
      throw Error(ErrorKind::Storage, "cannot make " + script_ + " executable");
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
}
