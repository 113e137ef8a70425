// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgOperationWatchdog.h"

#include "Core/Common/Error.h"
#include "Core/Crypto/GpgEngineWrapper.h"

#include <csignal>
#include <sys/types.h>

namespace DicomMail
{
  namespace
  {
    using Clock = std::chrono::steady_clock;

    // A thread runs one GPGME operation at a time.
    thread_local GpgOperationWatchdog* current = nullptr;

    const std::chrono::milliseconds kGracePeriod(2000);

    int64_t Now()
    {
      return Clock::now().time_since_epoch().count();
    }
  }

  GpgOperationWatchdog::GpgOperationWatchdog(gpgme_ctx_t context,
                                             const GpgEngineWrapper& wrapper,
                                             std::chrono::milliseconds inactivityTimeout) :
    context_(context),
    wrapper_(wrapper),
    timeout_(inactivityTimeout),
    lastProgress_(Now()),
    fired_(false),
    previous_(current)
  {
    wrapper_.ClearProcessId();
    current = this;
    thread_ = std::thread([this] { Watch(); });
  }

  GpgOperationWatchdog::~GpgOperationWatchdog()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
    current = previous_;
  }

  void GpgOperationWatchdog::ThrowIfFired() const
  {
    if (fired_)
    {
      const long long ms = static_cast<long long>(timeout_.count());
      throw Error(ErrorKind::Internal, "gpg made no progress for " +
                  (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms") +
                  " and was stopped (GpgTimeout)");
    }
  }

  void GpgOperationWatchdog::ThrowIfFiredOnThisThread()
  {
    if (current != nullptr)
    {
      current->ThrowIfFired();
    }
  }

  void GpgOperationWatchdog::Watch()
  {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!done_)
    {
      const Clock::time_point deadline = Clock::time_point(Clock::duration(lastProgress_.load())) + timeout_;
      if (Clock::now() >= deadline)
      {
        fired_ = true;
        lock.unlock();
        StopGpg();
        return;
      }
      wake_.wait_until(lock, deadline);
    }
  }

  void GpgOperationWatchdog::StopGpg()
  {
    // Cancel first, so that GPGME reports GPG_ERR_CANCELED once the pipes close.
    gpgme_cancel_async(context_);
    const pid_t pid = wrapper_.ReadProcessId();
    if (pid <= 0 || kill(pid, SIGTERM) != 0)
    {
      return;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (!wake_.wait_for(lock, kGracePeriod, [this] { return done_; }))
    {
      kill(pid, SIGKILL);
    }
  }
}
