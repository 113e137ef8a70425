// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgProcess.h"

#include "Core/Common/Error.h"
#include "Core/Common/Wipe.h"
#include "Core/Crypto/LateChildren.h"
#include "Core/Crypto/SpawnActions.h"
#include "Core/Crypto/SpawnAttributes.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace DicomMail
{
  namespace
  {
    // Large steps and large pipes: every wake-up of gpg or of us is a context
    // switch, and those are dear on a virtual machine.
    const size_t kChunk = 256 * 1024;
    const int kPipeSize = 1024 * 1024;

    // gpg writes its output 4 KB at a time and reads its input in small
    // steps too: woken for each, we made thousands of wake-ups per mail, and
    // handed each 4 KB on to the parser's thread. When a round moved less
    // than this, a short pause lets gpg fill the pipe (1 MB holds several
    // pauses' worth) before the next round. Small operations finish in a
    // round or two and lose at most that pause.
    const size_t kCoalesceBytes = 64 * 1024;
    const std::chrono::microseconds kCoalescePause(500);

    const size_t kMaxStatusLine = 64 * 1024;
    const size_t kMaxDiagnostics = 8 * 1024;
    const char kStatusPrefix[] = "[GNUPG:] ";

    // How long a child gets to leave after SIGTERM before SIGKILL.
    const std::chrono::milliseconds kGracePeriod(2000);

    using Clock = std::chrono::steady_clock;

    // poll() timeout until "deadline", at least 0 and at most a minute.
    int MillisecondsUntil(Clock::time_point deadline)
    {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      return static_cast<int>(left < 0 ? 0 : (left > 60000 ? 60000 : left));
    }

    std::string Seconds(std::chrono::milliseconds duration)
    {
      const long long ms = static_cast<long long>(duration.count());
      return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
    }

    // The child's descriptors 0-5 are set with dup2 in order; keeping every
    // source above 5 means no step overwrites a later step's source.
    const int kFirstFreeFd = 6;

    UniqueFd AboveChildTargets(UniqueFd fd)
    {
      if (fd.Get() >= kFirstFreeFd)
      {
        return fd;
      }
      const int moved = fcntl(fd.Get(), F_DUPFD_CLOEXEC, kFirstFreeFd);
      if (moved < 0)
      {
        throw Error(ErrorKind::Internal, std::string("cannot move a pipe for gpg: ") + strerror(errno));
      }
      return UniqueFd(moved);
    }

    struct Pipe
    {
      UniqueFd read;
      UniqueFd write;
    };

    Pipe MakePipe()
    {
      int fds[2];
      // O_CLOEXEC: no other child process of Orthanc may inherit our ends,
      // or gpg would never see the end of its input.
      if (pipe2(fds, O_CLOEXEC) != 0)
      {
        throw Error(ErrorKind::Internal, std::string("cannot create a pipe for gpg: ") + strerror(errno));
      }
      Pipe pipe;
      pipe.read = AboveChildTargets(UniqueFd(fds[0]));
      pipe.write = AboveChildTargets(UniqueFd(fds[1]));
      return pipe;
    }

    // A file in memory holding "content", read from its start: no temporary
    // file on disk, and no pipe that could fill up before gpg reads it.
    UniqueFd MakeMemoryFile(const std::string& content)
    {
      UniqueFd fd(memfd_create("dicom-mail-gpg-input", MFD_CLOEXEC));
      if (!fd.IsOpen())
      {
        throw Error(ErrorKind::Internal, std::string("cannot create a memory file for gpg: ") + strerror(errno));
      }
      fd = AboveChildTargets(std::move(fd));
      size_t written = 0;
      while (written < content.size())
      {
        const ssize_t n = write(fd.Get(), content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR)
        {
          continue;
        }
        if (n <= 0)
        {
          throw Error(ErrorKind::Internal, std::string("cannot fill a memory file for gpg: ") + strerror(errno));
        }
        written += static_cast<size_t>(n);
      }
      if (lseek(fd.Get(), 0, SEEK_SET) != 0)
      {
        throw Error(ErrorKind::Internal, std::string("cannot rewind a memory file for gpg: ") + strerror(errno));
      }
      return fd;
    }

    void SetNonBlocking(const UniqueFd& fd)
    {
      const int flags = fcntl(fd.Get(), F_GETFL);
      if (flags < 0 || fcntl(fd.Get(), F_SETFL, flags | O_NONBLOCK) != 0)
      {
        throw Error(ErrorKind::Internal, std::string("cannot configure a pipe for gpg: ") + strerror(errno));
      }
    }

    // Writing to a pipe gpg has closed raises SIGPIPE, which by default ends
    // the whole process (GPGME ignores it process-wide, but this class must
    // not depend on that). Blocked while we write, and a SIGPIPE we caused
    // is taken off the thread's pending set before the mask is restored.
    class ScopedSigpipeBlock
    {
    public:
      ScopedSigpipeBlock()
      {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        wasPending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
      }

      ~ScopedSigpipeBlock()
      {
        sigset_t pending;
        sigpending(&pending);
        if (!wasPending_ && sigismember(&pending, SIGPIPE) == 1)
        {
          const timespec now = { 0, 0 };
          while (sigtimedwait(&pipe_, nullptr, &now) < 0 && errno == EINTR)
          {
          }
        }
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
      }

      ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
      ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

    private:
      sigset_t pipe_;
      sigset_t previous_;
      bool wasPending_ = false;
    };

    // Reads what is there; false once the writer closed its end.
    bool ReadSome(UniqueFd& fd, char* buffer, size_t size, size_t& got, const char* what)
    {
      got = 0;
      const ssize_t n = read(fd.Get(), buffer, size);
      if (n > 0)
      {
        got = static_cast<size_t>(n);
        return true;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
      {
        return true;
      }
      if (n < 0)
      {
        throw Error(ErrorKind::Internal, std::string("cannot read gpg's ") + what + ": " + strerror(errno));
      }
      fd.Close();
      return false;
    }
  }

  std::vector<std::string> GpgProcess::SessionArguments(const std::string& homePath)
  {
    return {
      "--homedir", homePath,
      "--batch", "--no-tty",
      "--status-fd", std::to_string(kStatusFd),
      "--command-fd", std::to_string(kCommandFd),
      "--exit-on-status-write-error",
      // gpg asks us (GET_HIDDEN) for a passphrase, never a pinentry program.
      "--pinentry-mode", "loopback"
    };
  }

  GpgProcess::GpgProcess(const std::string& program, const std::vector<std::string>& arguments) :
    GpgProcess(program, arguments, static_cast<const std::string*>(nullptr))
  {
  }

  GpgProcess::GpgProcess(const GpgSession& session, const std::vector<std::string>& arguments,
                         const std::string* extraInput) :
    GpgProcess(session.gpgPath, arguments, extraInput)
  {
    inactivityTimeout_ = std::chrono::seconds(session.inactivityTimeoutSeconds);
  }

  GpgProcess::GpgProcess(const std::string& program, const std::vector<std::string>& arguments,
                         const std::string& extraInput) :
    GpgProcess(program, arguments, &extraInput)
  {
  }

  GpgProcess::GpgProcess(const std::string& program, const std::vector<std::string>& arguments,
                         const std::string* extraInput) :
    program_(program)
  {
    LateChildren::ReapFinished();

    std::vector<std::string> all;
    all.push_back(program);
    all.insert(all.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& a : all)
    {
      argv.push_back(&a[0]);
    }
    argv.push_back(nullptr);

    Pipe in = MakePipe();
    Pipe out = MakePipe();
    Pipe status = MakePipe();
    Pipe command = MakePipe();
    Pipe err = MakePipe();
    // Larger pipes mean fewer wake-ups; the kernel may refuse, then 64 KB it is.
    fcntl(in.write.Get(), F_SETPIPE_SZ, kPipeSize);
    fcntl(out.write.Get(), F_SETPIPE_SZ, kPipeSize);

    SpawnActions actions;
    posix_spawn_file_actions_adddup2(actions.Get(), in.read.Get(), 0);
    posix_spawn_file_actions_adddup2(actions.Get(), out.write.Get(), 1);
    posix_spawn_file_actions_adddup2(actions.Get(), err.write.Get(), 2);
    posix_spawn_file_actions_adddup2(actions.Get(), status.write.Get(), kStatusFd);
    posix_spawn_file_actions_adddup2(actions.Get(), command.read.Get(), kCommandFd);
    UniqueFd extra;
    if (extraInput != nullptr)
    {
      extra = MakeMemoryFile(*extraInput);
      posix_spawn_file_actions_adddup2(actions.Get(), extra.Get(), kExtraInputFd);
    }
    // Descriptors Orthanc opened without O_CLOEXEC stay out of gpg too.
    posix_spawn_file_actions_addclosefrom_np(actions.Get(), extraInput != nullptr ? kExtraInputFd + 1 :
                                             kExtraInputFd);

    SpawnAttributes attributes;
    const int spawnError = posix_spawn(&pid_, program.c_str(), actions.Get(), attributes.Get(),
                                       argv.data(), environ);
    if (spawnError != 0)
    {
      pid_ = -1;
      throw Error(ErrorKind::Configuration, "cannot run " + program + ": " + strerror(spawnError));
    }

    stdin_ = std::move(in.write);
    stdout_ = std::move(out.read);
    status_ = std::move(status.read);
    command_ = std::move(command.write);
    stderr_ = std::move(err.read);
    for (const UniqueFd* fd : { &stdin_, &stdout_, &status_, &command_, &stderr_ })
    {
      SetNonBlocking(*fd);
    }
  }

  GpgProcess::~GpgProcess()
  {
    WipeString(pendingCommands_);
    if (pid_ > 0)
    {
      stdin_.Close();
      stdout_.Close();
      status_.Close();
      command_.Close();
      stderr_.Close();
      Terminate();
    }
  }

  int GpgProcess::Terminate()
  {
    // SIGTERM first: gpg then removes its lock files itself.
    kill(pid_, SIGTERM);
    int code = Wait(Clock::now() + kGracePeriod);
    if (pid_ > 0)
    {
      kill(pid_, SIGKILL);
      code = Wait(Clock::now() + kGracePeriod);
    }
    if (pid_ > 0)
    {
      // Stuck in the kernel: not waited for any longer, but reaped later.
      LateChildren::Adopt(pid_);
      pid_ = -1;
    }
    return code;
  }

  void GpgProcess::ThrowTimeout(const std::string& what)
  {
    stdin_.Close();
    stdout_.Close();
    status_.Close();
    command_.Close();
    stderr_.Close();
    WipeString(pendingCommands_);
    if (pid_ > 0)
    {
      Terminate();
    }
    throw Error(ErrorKind::Internal, program_ + " " + what + " for " + Seconds(inactivityTimeout_) +
                " and was stopped (GpgTimeout)");
  }

  void GpgProcess::SendCommand(const std::string& line)
  {
    pendingCommands_ += line;
    FlushCommands();
  }

  void GpgProcess::FlushCommands()
  {
    while (!pendingCommands_.empty() && command_.IsOpen())
    {
      const ssize_t n = write(command_.Get(), pendingCommands_.data(), pendingCommands_.size());
      if (n > 0)
      {
        // Moves the rest to the front; the freed tail is wiped below or at
        // the end.
        pendingCommands_.erase(0, static_cast<size_t>(n));
      }
      else if (n < 0 && errno == EINTR)
      {
        continue;
      }
      else if (n < 0 && errno == EAGAIN)
      {
        return;
      }
      else
      {
        command_.Close();   // gpg stopped listening; its status says why
      }
    }
    if (pendingCommands_.empty() || !command_.IsOpen())
    {
      WipeString(pendingCommands_);
    }
  }

  void GpgProcess::HandleStatusBytes(const char* data, size_t size, const StatusHandler& onStatus)
  {
    for (size_t i = 0; i < size; i++)
    {
      if (data[i] != '\n')
      {
        if (statusLine_.size() >= kMaxStatusLine)
        {
          throw Error(ErrorKind::Crypto, "gpg wrote a status line longer than " +
                      std::to_string(kMaxStatusLine) + " bytes");
        }
        statusLine_ += data[i];
        continue;
      }
      const size_t prefix = sizeof(kStatusPrefix) - 1;
      if (statusLine_.compare(0, prefix, kStatusPrefix) == 0)
      {
        const size_t space = statusLine_.find(' ', prefix);
        const std::string keyword = statusLine_.substr(prefix, space == std::string::npos ?
                                                       std::string::npos : space - prefix);
        const std::string arguments = space == std::string::npos ? "" : statusLine_.substr(space + 1);
        statusLine_.clear();
        onStatus(keyword, arguments);
      }
      statusLine_.clear();
    }
  }

  int GpgProcess::Exchange(ByteSource& input, ByteSink& output, const StatusHandler& onStatus)
  {
    ScopedSigpipeBlock sigpipe;
    std::vector<char> in(kChunk);
    std::vector<char> out(kChunk);
    size_t inStart = 0;
    size_t inEnd = 0;
    Clock::time_point lastProgress = Clock::now();

    while (stdout_.IsOpen() || status_.IsOpen() || stderr_.IsOpen())
    {
      if (stdin_.IsOpen() && inStart == inEnd)
      {
        inStart = 0;
        inEnd = input.Read(in.data(), in.size());
        if (inEnd == 0)
        {
          stdin_.Close();   // end of input for gpg
        }
      }

      enum { kIn, kOut, kStatus, kCommand, kErr };
      pollfd fds[5];
      int which[5];
      nfds_t count = 0;
      auto watch = [&](const UniqueFd& fd, short events, int id)
      {
        if (fd.IsOpen())
        {
          fds[count].fd = fd.Get();
          fds[count].events = events;
          fds[count].revents = 0;
          which[count] = id;
          count++;
        }
      };
      watch(stdin_, POLLOUT, kIn);
      watch(stdout_, POLLIN, kOut);
      watch(status_, POLLIN, kStatus);
      if (!pendingCommands_.empty())
      {
        watch(command_, POLLOUT, kCommand);
      }
      watch(stderr_, POLLIN, kErr);

      const int ready = poll(fds, count, MillisecondsUntil(lastProgress + inactivityTimeout_));
      if (ready < 0)
      {
        if (errno == EINTR)
        {
          continue;
        }
        throw Error(ErrorKind::Internal, std::string("cannot wait for gpg: ") + strerror(errno));
      }
      if (ready == 0)
      {
        if (Clock::now() >= lastProgress + inactivityTimeout_)
        {
          ThrowTimeout("made no progress");
        }
        continue;
      }
      lastProgress = Clock::now();

      size_t moved = 0;
      for (nfds_t i = 0; i < count; i++)
      {
        if (fds[i].revents == 0)
        {
          continue;
        }
        size_t got = 0;
        switch (which[i])
        {
          case kIn:
          {
            const ssize_t n = write(stdin_.Get(), in.data() + inStart, inEnd - inStart);
            if (n > 0)
            {
              inStart += static_cast<size_t>(n);
              moved += static_cast<size_t>(n);
            }
            else if (n < 0 && errno != EAGAIN && errno != EINTR)
            {
              // gpg stopped reading (it failed); its status tells why.
              stdin_.Close();
            }
            break;
          }
          case kOut:
            if (ReadSome(stdout_, out.data(), out.size(), got, "output") && got > 0)
            {
              output.Write(out.data(), got);
              moved += got;
            }
            break;
          case kStatus:
            if (ReadSome(status_, out.data(), out.size(), got, "status") && got > 0)
            {
              HandleStatusBytes(out.data(), got, onStatus);
            }
            break;
          case kCommand:
            FlushCommands();
            break;
          case kErr:
            if (ReadSome(stderr_, out.data(), out.size(), got, "messages") && got > 0)
            {
              diagnostics_.append(out.data(), got);
              if (diagnostics_.size() > kMaxDiagnostics)
              {
                diagnostics_.erase(0, diagnostics_.size() - kMaxDiagnostics);
              }
            }
            break;
        }
      }
      if (moved > 0 && moved < kCoalesceBytes && stdout_.IsOpen())
      {
        std::this_thread::sleep_for(kCoalescePause);
      }
    }

    stdin_.Close();
    command_.Close();
    WipeString(pendingCommands_);
    // It closed its output; one that then does not leave is stopped.
    const int code = Wait(Clock::now() + inactivityTimeout_);
    if (pid_ > 0)
    {
      ThrowTimeout("did not exit after closing its output");
    }
    return code;
  }

  int GpgProcess::Wait(Clock::time_point deadline)
  {
    int status = 0;
    pid_t result;
    std::chrono::milliseconds pause(1);
    for (;;)
    {
      result = waitpid(pid_, &status, WNOHANG);
      if (result < 0 && errno == EINTR)
      {
        continue;
      }
      if (result != 0)
      {
        break;
      }
      if (Clock::now() >= deadline)
      {
        return -1;   // still running: pid_ stays set
      }
      // Short pauses first: gpg usually leaves within a millisecond.
      usleep(static_cast<useconds_t>(pause.count() * 1000));
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
    pid_ = -1;

    if (result < 0)
    {
      return -1;   // ECHILD: the host reaps children itself
    }
    if (WIFEXITED(status))
    {
      return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status))
    {
      return 128 + WTERMSIG(status);
    }
    return -1;
  }
}
