// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/ScopedSigpipeBlock.h"

#include <cerrno>
#include <ctime>
#include <pthread.h>

namespace DicomMail
{
  ScopedSigpipeBlock::ScopedSigpipeBlock()
  {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    wasPending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
  }

  ScopedSigpipeBlock::~ScopedSigpipeBlock()
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
}
