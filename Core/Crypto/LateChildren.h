// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <sys/types.h>

namespace DicomMail
{
  // Child processes that were still there when their last deadline ran out,
  // even after SIGKILL (a process in uninterruptible sleep leaves only when
  // its system call returns). Nobody waits for them any longer, but they are
  // reaped later: an unreaped child stays a zombie, and GnuPG takes a lock
  // file whose owner is a zombie for a held lock (its pid still exists), so
  // every later gpg would wait for it.
  namespace LateChildren
  {
    void Adopt(pid_t pid);

    // Reaps those that have ended, without waiting; returns how many remain.
    size_t ReapFinished();
  }
}
