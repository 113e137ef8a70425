// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <gpgme.h>
#include <mutex>
#include <string>
#include <thread>

namespace DicomMail
{
  class GpgEngineWrapper;

  // Bounds one GPGME operation, which has no timeout of its own (GPGME 1.18
  // waits in select() for its gpg for ever, and checks a cancel request only
  // when gpg writes something). Only key management runs through GPGME, on
  // small memory buffers, so the limit counts from the start of the
  // operation. A thread of the object's own waits for the operation; when
  // the time is up, it asks GPGME to cancel and stops the operation's gpg
  // (SIGTERM, then SIGKILL), found through the context's GpgEngineWrapper.
  // Killing gpg closes its pipes, so GPGME returns.
  //
  // Construct it right before the GPGME call, on the thread that makes it.
  class GpgOperationWatchdog
  {
  public:
    GpgOperationWatchdog(gpgme_ctx_t context,
                         const GpgEngineWrapper& wrapper,
                         std::chrono::milliseconds inactivityTimeout);
    ~GpgOperationWatchdog();
    GpgOperationWatchdog(const GpgOperationWatchdog&) = delete;
    GpgOperationWatchdog& operator=(const GpgOperationWatchdog&) = delete;

    // Throws Error(Internal) naming the timeout if the watchdog stopped the
    // operation; the caller calls it before looking at GPGME's error.
    void ThrowIfFired() const;

    // The same for the operation running on this thread, if any.
    static void ThrowIfFiredOnThisThread();

  private:
    void Watch();
    void StopGpg();

    gpgme_ctx_t context_;
    const GpgEngineWrapper& wrapper_;
    const std::chrono::milliseconds timeout_;
    std::atomic<int64_t> lastProgress_;   // steady_clock ticks
    std::atomic<bool> fired_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    GpgOperationWatchdog* previous_;
    std::thread thread_;
  };
}
