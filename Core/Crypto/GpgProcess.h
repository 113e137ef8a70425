// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Core/Common/ByteStream.h"
#include "Core/Common/UniqueFd.h"
#include "Core/Crypto/GpgSession.h"

#include <chrono>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace DicomMail
{
  // One gpg process for one bulk operation, started with posix_spawn. The
  // data goes to its stdin and comes back from its stdout; gpg's status lines
  // arrive on fd 3 ("--status-fd 3") and answers to its questions go to fd 4
  // ("--command-fd 4"); stderr is kept, bounded, for error messages.
  //
  // Why not GPGME here: GPGME 1.18 starts gpg with two nested fork() calls of
  // the calling process and formats every byte it pipes for its debug trace,
  // even with tracing off. Out of a 200 MB multi-threaded Orthanc that cost
  // 11 % of a 2-core machine's CPU while sending (copied page tables and
  // copy-on-write faults with TLB shootdowns). Every per-mail operation
  // (sign + encrypt, decrypt + verify, the MDN's signature and its check)
  // therefore runs gpg through this class; key management stays with GPGME.
  class GpgProcess
  {
  public:
    static const int kStatusFd = 3;
    static const int kCommandFd = 4;
    static const int kExtraInputFd = 5;

    // The options every gpg run through this class needs: the home, no
    // terminal, the status and command channels, and passphrases asked on
    // the command channel (loopback) instead of by a pinentry program.
    static std::vector<std::string> SessionArguments(const std::string& homePath);

    // Gets each status line without its "[GNUPG:] " prefix; may answer a
    // question with SendCommand() and may throw to stop the process.
    using StatusHandler = std::function<void(const std::string& keyword, const std::string& arguments)>;

    // Throws Error(Configuration) if "program" cannot be started.
    GpgProcess(const std::string& program, const std::vector<std::string>& arguments);

    // The gpg of "session" with its inactivity timeout; "arguments" start
    // with SessionArguments(). "extraInput", if given, as below.
    GpgProcess(const GpgSession& session, const std::vector<std::string>& arguments,
               const std::string* extraInput = nullptr);

    // The same, with "extraInput" readable by the child on fd 5 (e.g. a
    // detached signature, named "-&5" with --enable-special-filenames).
    GpgProcess(const std::string& program, const std::vector<std::string>& arguments,
               const std::string& extraInput);

    // Stops (SIGTERM, then SIGKILL) and reaps a child that is still running.
    ~GpgProcess();

    // Longest the child may go without any byte moving in or out before
    // Exchange() stops it and throws Error(Internal) naming the timeout; also
    // bounds the wait for its exit. An inactivity limit, not a total one, so
    // that a large study on a slow machine never runs into it.
    void SetInactivityTimeout(std::chrono::milliseconds timeout)
    {
      inactivityTimeout_ = timeout;
    }

    GpgProcess(const GpgProcess&) = delete;
    GpgProcess& operator=(const GpgProcess&) = delete;

    // Feeds all of "input" to the child and passes its output to "output"
    // until it has closed its output and status channels, then waits for it.
    // Returns its exit code; 128 + signal if a signal ended it; -1 if the
    // code is unknown (SIGCHLD ignored by the host process). Errors of the
    // streams and of the handler propagate unchanged.
    int Exchange(ByteSource& input, ByteSink& output, const StatusHandler& onStatus);

    // Queues "line" (with its "\n") for the command channel; the copy is
    // wiped once written, as answers may be passphrases.
    void SendCommand(const std::string& line);

    // The end of what the child wrote to stderr.
    const std::string& GetDiagnostics() const
    {
      return diagnostics_;
    }

  private:
    GpgProcess(const std::string& program, const std::vector<std::string>& arguments,
               const std::string* extraInput);

    void HandleStatusBytes(const char* data, size_t size, const StatusHandler& onStatus);
    void FlushCommands();
    int Wait(std::chrono::steady_clock::time_point deadline);
    int Terminate();
    [[noreturn]] void ThrowTimeout(const std::string& what);

    pid_t pid_ = -1;
    std::string program_;
    std::chrono::milliseconds inactivityTimeout_ = std::chrono::seconds(600);
    UniqueFd stdin_;
    UniqueFd stdout_;
    UniqueFd status_;
    UniqueFd command_;
    UniqueFd stderr_;
    std::string pendingCommands_;
    std::string statusLine_;
    std::string diagnostics_;
  };
}
