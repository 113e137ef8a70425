// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <sys/types.h>

namespace DicomMail
{
  // A tiny shell script GPGME runs instead of gpg: it writes its process id
  // to a file of its own and then becomes gpg (exec keeps the id). GPGME
  // starts gpg through two nested fork() calls and never says which process
  // it is; this file is how GpgOperationWatchdog finds the gpg to stop.
  // One per GPGME context (a context runs one operation at a time), kept in
  // the 0700 GnuPG home and removed with the object.
  //
  // The constructor returns only once the script can be executed: while any
  // process holds a write descriptor to it (another thread's fork() copies
  // ours until its child execs), exec fails with ETXTBSY, GPGME's child dies
  // without a word, and a key listing reads as "no such key" (#15).
  class GpgEngineWrapper
  {
  public:
    static const char* const kFilePrefix;   // leftovers of a crash are removed by GnupgHome
    static const char* const kProbeArgument;   // the script exits at once, gpg not started

    GpgEngineWrapper(const std::string& directory, const std::string& gpgProgram);
    ~GpgEngineWrapper();
    GpgEngineWrapper(const GpgEngineWrapper&) = delete;
    GpgEngineWrapper& operator=(const GpgEngineWrapper&) = delete;

    const std::string& GetScriptPath() const
    {
      return script_;
    }

    // Forgets the gpg of an earlier operation.
    void ClearProcessId() const;

    // The gpg started last, or -1 if none since ClearProcessId().
    pid_t ReadProcessId() const;

    // Throws Error(Crypto) unless a gpg was started since ClearProcessId():
    // GPGME reports an engine that never ran as an empty result.
    void CheckStarted(const std::string& what) const;

  private:
    std::string script_;
    std::string pidFile_;
  };
}
