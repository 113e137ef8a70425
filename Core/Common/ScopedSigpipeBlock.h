// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <csignal>

namespace DicomMail
{
  // Writing to a pipe whose reader has gone raises SIGPIPE, which by default
  // ends the whole process (GPGME ignores it process-wide, but our own pipe
  // code must not depend on that). Blocks it on this thread for the scope;
  // a SIGPIPE raised meanwhile is taken off the pending set before the mask
  // is restored, so the write just fails with EPIPE.
  class ScopedSigpipeBlock
  {
  public:
    ScopedSigpipeBlock();

    ~ScopedSigpipeBlock();

    ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
    ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

  private:
    sigset_t pipe_;
    sigset_t previous_;
    bool wasPending_ = false;
  };
}
